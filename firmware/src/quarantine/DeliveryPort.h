#pragma once
// The quarantine service's outbound port: how a released or passed message leaves the gate.
// The relay adapter implements it for SMTP mail (upstream smarthosts); the watcher adapter
// will implement its IMAP counterpart. The service knows nothing of sockets.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mg::quarantine {

// How an SMTP message reached the gate: what its Received: header says (RFC 5321 §4.4).
struct TraceInfo {
  std::string heloName;
  std::string clientAddress;  // without the port
  std::string protocol;       // "with": ESMTP, ESMTPS, ESMTPSA, UTF8SMTPS, ...
  int64_t receivedAt = 0;     // ms since the epoch
};

struct DeliveryRequest {
  long long emailId = 0;
  std::string mailFrom;              // envelope sender ("" for the null sender <>)
  std::vector<std::string> rcptTo;   // envelope recipients
  std::string_view raw;              // the message as stored (CRLF lines, not dot-stuffed)
  // What the IMAP side needs (left at their defaults for SMTP mail):
  std::string source = "smtp";
  int64_t accountId = 0;
  int64_t imapUid = 0;          // the message's UID in the account's Quarantine folder (0 = unknown)
  int64_t imapUidValidity = 0;  // that folder's UIDVALIDITY when the UID was recorded
  int64_t imapOriginUid = 0;          // where it was taken from: its INBOX UID …
  int64_t imapOriginUidValidity = 0;  // … under this INBOX UIDVALIDITY (0 = unknown)
  std::string messageId;        // RFC 5322 Message-ID without brackets ("" when it has none)
  std::string contentHash;      // SHA-256 hex of the original's bytes: proof of identity
  int64_t originalSize = 0;     // bytes of the original
  int version = 1;              // the version being sent
  bool edited = false;          // the current version is an operator's edit (version > 1)
  // SMTP mail: the relay prepends a Received: header made of this (none when absent, e.g.
  // for files recovered from the spool, whose SMTP session is not known).
  std::optional<TraceInfo> trace;
  bool smtpUtf8 = false;  // submitted with SMTPUTF8: the upstream must offer it too
};

struct DeliveryOutcome {
  bool delivered = false;
  bool permanent = false;  // a 5xx from every relay tried: retrying the same won't help
  std::string upstream;    // the relay that took it (or the last one tried)
  std::string reason;      // operator-readable: "upstream primary: 554 5.7.1 relay denied"
};

class DeliveryPort {
 public:
  virtual ~DeliveryPort() = default;
  virtual DeliveryOutcome deliver(const DeliveryRequest& request) = 0;
  // After the service has marked the message discarded: remove whatever the source still
  // keeps of it (IMAP: the copy in the Quarantine folder). `delivered` = done; SMTP mail has
  // nothing anywhere else, hence the default.
  virtual DeliveryOutcome discard(const DeliveryRequest& /*request*/) { return {true, false, "", ""}; }
};

}  // namespace mg::quarantine
