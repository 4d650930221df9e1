#pragma once
// An IMAP account as the rest of the daemon sees it — without its password, sealed or not,
// so that no view built from it (API, CLI, log, audit) can leak what it does not hold.
#include <cstdint>
#include <optional>
#include <string>

namespace mg::accounts {

struct Account {
  int64_t id = 0;
  std::string name;
  std::string host;
  int port = 993;
  std::string tls = "implicit";  // implicit | starttls | none
  std::string username;
  std::string quarantineFolder = "Quarantine";
  std::string intercept = "rules";  // all | rules | off
  bool enabled = true;
  int64_t createdAt = 0;  // ms since epoch
  int64_t updatedAt = 0;
  int64_t lastTestOkAt = 0;  // 0 = never
  int64_t lastTestAt = 0;
};

// What a create or an update asks for; an absent field keeps its current value (or takes
// its default on create). `password` is write-only: absent on update keeps the stored one.
struct AccountChanges {
  std::optional<std::string> name, host;
  std::optional<int64_t> port;  // wide, so that 70000 is refused rather than wrapped
  std::optional<std::string> tls, username, password, quarantineFolder, intercept;
  std::optional<bool> enabled;
  // Write-only: true asks the watcher's next start to take every message already in INBOX,
  // once (by default only what arrives from the account's creation on is taken).
  std::optional<bool> takeExisting;
};

// Unavailable: the store could not be read or written (disk full, I/O error); nothing changed.
enum class Failure { None, NotFound, Conflict, Invalid, Unusable, Unavailable };

}  // namespace mg::accounts
