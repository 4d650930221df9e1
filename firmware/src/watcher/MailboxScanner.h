#pragma once
// Intake for one account, on a connection with INBOX selected: new UIDs → headers → rules →
// full bytes → quarantine.accept (spool fsync + row) → UID MOVE of the batch to Quarantine →
// the new UIDs (COPYUID) recorded → last_uid advanced. A crash anywhere leaves either a row
// whose message is still in INBOX (found again by account+UIDVALIDITY+UID and moved, not
// recorded twice) or a moved message whose location is unknown (found in Quarantine by
// Message-ID at the next start). Memory is bounded by the batch size and byte budget.
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

  // After SELECT INBOX: loads or establishes the position (a first start or a changed
  // UIDVALIDITY begins at UIDNEXT: mail already there is not taken), then finds where
  // recorded-but-unplaced messages went.
  common::Status begin(imap::ImapClient& client, const std::string& quarantineFolder);
  // Takes every new message the account's intercept mode and the rules say to take.
  // Returns how many were taken. `stop` is checked between batches.
  common::Result<size_t> scan(imap::ImapClient& client, const std::atomic<bool>& stop);

  uint32_t lastUid() const { return lastUid_; }

 private:
  struct Taken {
    uint32_t uid;
    int64_t id;
  };
  bool wanted(const imap::FetchedMessage& m);
  common::Status takeBatch(imap::ImapClient& client, const std::vector<uint32_t>& uids, std::vector<Taken>& taken);
  common::Status moveTaken(imap::ImapClient& client, const std::vector<Taken>& taken);
  common::Status locateUnplaced(imap::ImapClient& client);
  void savePosition(uint32_t lastUid);

  WatchedAccount account_;
  ScanDeps deps_;
  ScanOptions options_;
  std::string folder_;
  uint32_t uidValidity_ = 0;
  uint32_t lastUid_ = 0;
};

}  // namespace mg::watcher
