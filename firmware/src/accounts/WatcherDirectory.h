#pragma once
// The seam through which the API reads the state of the IMAP watchers (CONTRACT §4
// GET /api/v1/watchers). The watcher module implements it; until it exists the API reports
// every account as stopped rather than pretending anything is online.
#include <cstdint>
#include <string>
#include <vector>

namespace mg::accounts {

struct WatcherStatus {
  int64_t accountId;
  std::string state /*online|connecting|backoff|circuit_open|stopped*/;
  bool idle;              // in IMAP IDLE (rather than polling)
  int64_t lastHeartbeat;  // ms since epoch of the last sign of life from the server; 0 = never
  std::string lastError;  // empty when none
  unsigned consecutiveFailures;
  std::string note = {};  // what the operator should know besides errors, e.g. an EXPUNGE that waits
};

class WatcherDirectory {
 public:
  virtual ~WatcherDirectory() = default;
  // A snapshot, one entry per watcher the pool knows; cheap and non-blocking (the API calls
  // it per request). Accounts without an entry are shown as stopped.
  virtual std::vector<WatcherStatus> watchers() = 0;
};

}  // namespace mg::accounts
