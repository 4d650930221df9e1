#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace mg::store {

// Status names exactly as in CONTRACT §3, plus `queued` (pass mail waiting for its relay).
namespace status {
inline constexpr const char* kHeld = "held";
inline constexpr const char* kReleasing = "releasing";
inline constexpr const char* kReleased = "released";
inline constexpr const char* kReleaseFailed = "release_failed";
inline constexpr const char* kDiscarded = "discarded";
inline constexpr const char* kQueued = "queued";
inline constexpr const char* kRelayed = "relayed";
inline constexpr const char* kRelayFailed = "relay_failed";
}  // namespace status

struct MessageRecord {
  int64_t id = 0;  // the database key (emailId); never the Message-ID header
  std::string source = "smtp";
  int64_t accountId = 0;  // 0 = none (SMTP mail)
  std::string status;
  std::string messageId;  // RFC 5322 Message-ID
  std::string mailFrom;
  std::vector<std::string> rcptTo;
  std::string fromHeader;
  std::string toHeader;
  std::string subject;
  int64_t receivedAt = 0;  // ms since epoch
  int64_t size = 0;
  bool hasAttachments = false;
  std::string contentHash;  // SHA-256 of the original bytes
  std::string spoolName;    // the original version's spool file
  int currentVersion = 1;
  int64_t ruleId = 0;
  std::string ruleName;
  int64_t autoReleaseAt = 0;  // ms; 0 = never
  std::string failureReason;
  int attempts = 0;
  int64_t nextAttemptAt = 0;
  std::vector<std::string> releaseTo;
  int64_t releasedAt = 0;
  int64_t updatedAt = 0;
  int64_t imapUid = 0;          // IMAP: the UID it had in INBOX when taken (dedupe key) …
  int64_t imapUidValidity = 0;  // … and INBOX's UIDVALIDITY then
  int64_t imapFolderUid = 0;          // IMAP: its UID in the Quarantine folder (0 = not known yet)
  int64_t imapFolderUidValidity = 0;  // … and that folder's UIDVALIDITY
  // SMTP mail: how it reached the gate (empty for IMAP mail and recovered files).
  std::string smtpHelo;
  std::string smtpClient;    // the client's address, without the port
  std::string smtpProtocol;  // ESMTP, ESMTPS, ESMTPSA, UTF8SMTPS, ...
  bool smtpUtf8 = false;     // submitted with MAIL ... SMTPUTF8
  // false: the content was never parsed (the daemon stopped while parsing it); the reviewer
  // sees the raw bytes and `contentNote` says why. Else contentNote lists what the content
  // limits hid ("" when nothing).
  bool parsed = true;
  std::string contentNote;
};

struct MessageVersion {
  int64_t emailId = 0;
  int version = 1;
  std::string spoolName;
  std::string contentHash;
  int64_t size = 0;
  int64_t createdAt = 0;
  std::string createdBy;
};

struct MessageFilter {
  std::string status;
  std::string source;
  int64_t accountId = 0;
  std::string query;  // substring of from, to, subject or message_id
  int limit = 50;
  int64_t beforeId = 0;  // cursor: only ids below this
};

}  // namespace mg::store
