#pragma once
// Intake for one account, on a connection with INBOX selected: new UIDs → headers → rules →
// full bytes → quarantine.accept (spool fsync + row) → UID MOVE of the batch to Quarantine →
// the new UIDs (COPYUID) recorded → last_uid advanced. A crash anywhere leaves either a row
// whose message is still in INBOX (found again by account+UIDVALIDITY+UID and moved, not
// recorded twice) or a moved message whose location is unknown (found in Quarantine by its
// bytes at the next start, MessageIdentity.h). Memory is bounded by the batch size and byte budget.
#include <cstdint>
#include <string>

#include "common/Clock.h"
#include "common/Status.h"
#include "imap/ImapClient.h"
#include "quarantine/QuarantineService.h"
#include "store/MessageRepository.h"
#include "store/WatcherStateRepository.h"

namespace mg::watcher {

// What the watcher needs to know of an account (no password).
struct WatchedAccount {
  int64_t id = 0;
  std::string name;
  std::string host;
  uint16_t port = 993;
  std::string tls = "implicit";  // implicit | starttls | none
  std::string username;
  std::string quarantineFolder = "Quarantine";
  std::string intercept = "rules";  // all | rules | off
  int64_t createdAt = 0;  // ms: mail that arrived from then on (less kClockSkewMillis) is taken
};

struct ScanDeps {
  quarantine::QuarantineService* quarantine = nullptr;
  store::MessageRepository* messages = nullptr;
  store::WatcherStateRepository* positions = nullptr;
  const common::Clock* clock = &common::SystemClock::instance();
};

struct ScanOptions {
  size_t headerBatch = 200;                // UIDs whose headers are fetched at once
  uint64_t bodyBatchBytes = 8u << 20;      // full messages fetched at once (at least one)
};

class MailboxScanner {
 public:
  MailboxScanner(WatchedAccount account, ScanDeps deps, ScanOptions options = {});

  // The server's clock and ours may differ: INTERNALDATEs this much before the account was
  // added (or before the last heartbeat) still count as "arrived since".
  static constexpr int64_t kClockSkewMillis = 10 * 60'000;
  // How often a heartbeat is kept in the store (for the floor after a UIDVALIDITY change):
  // SD cards do not want a write at every IDLE renewal.
  static constexpr int64_t kHeartbeatKeepMillis = 10 * 60'000;

  // After SELECT INBOX: loads or establishes the position, then finds where recorded-but-
  // unplaced messages went. A first start takes what arrived since the account was added
  // (INTERNALDATE at or after createdAt - kClockSkewMillis), a changed UIDVALIDITY what
  // arrived since the last heartbeat kept, a take_existing request everything, once.
  common::Status begin(imap::ImapClient& client, const std::string& quarantineFolder);
  // Takes every new message the account's intercept mode and the rules say to take.
  // Returns how many were taken. `stop` is checked between batches.
  common::Result<size_t> scan(imap::ImapClient& client, const std::atomic<bool>& stop);

  uint32_t lastUid() const { return lastUid_; }
  // A sign of life from the server: kept in the store at most every kHeartbeatKeepMillis.
  void heartbeat();
  // What the operator should know about this mailbox besides errors (e.g. messages waiting
  // for a safe EXPUNGE); "" when nothing.
  const std::string& note() const { return note_; }

 private:
  struct Taken {
    uint32_t uid;
    int64_t id;
  };
  bool wanted(const imap::FetchedMessage& m);
  common::Status takeBatch(imap::ImapClient& client, const std::vector<uint32_t>& uids, std::vector<Taken>& taken);
  common::Status moveTaken(imap::ImapClient& client, const std::vector<Taken>& taken);
  common::Status locateUnplaced(imap::ImapClient& client);
  // Servers with neither MOVE nor UIDPLUS: COPY, \Deleted, and EXPUNGE only when no other
  // INBOX message is \Deleted (a plain EXPUNGE removes every one).
  common::Result<imap::CopyResult> copyAndFlag(imap::ImapClient& client, const std::vector<uint32_t>& uids);
  common::Status expungeIfSafe(imap::ImapClient& client);
  common::Status findPendingExpunges(imap::ImapClient& client);
  void savePosition(uint32_t lastUid);
  bool belowFloor(uint32_t uid) const { return floorAt_ > 0 && uid <= floorUntilUid_; }

  WatchedAccount account_;
  ScanDeps deps_;
  ScanOptions options_;
  std::string folder_;
  uint32_t uidValidity_ = 0;
  uint32_t lastUid_ = 0;
  // Up to floorUntilUid_, only mail with an INTERNALDATE at or after floorAt_ (ms) is taken.
  int64_t floorAt_ = 0;
  uint32_t floorUntilUid_ = 0;
  int64_t heartbeatKeptAt_ = 0;
  std::vector<uint32_t> pendingExpunge_;  // ours, in INBOX, copied and \Deleted, not yet expunged
  std::string note_;
};

}  // namespace mg::watcher
