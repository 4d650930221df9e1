#pragma once
// IMAP accounts as stored. The store never sees a plaintext password: `passwordSealed` is a
// crypto::SecretBox blob made by accounts::AccountService, which alone seals and opens it.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/Database.h"

namespace mg::store {

struct AccountRecord {
  int64_t id = 0;
  std::string name;  // unique, case-insensitive
  std::string host;
  int port = 993;
  std::string tls = "implicit";  // implicit | starttls | none
  std::string username;
  std::string passwordSealed;  // SecretBox blob; never plaintext, never leaves the daemon
  std::string quarantineFolder = "Quarantine";
  std::string intercept = "rules";  // all | rules | off
  bool enabled = true;
  int64_t createdAt = 0;  // ms since epoch
  int64_t updatedAt = 0;
  int64_t lastTestOkAt = 0;  // 0 = never
  int64_t lastTestAt = 0;
};

class AccountRepository {
 public:
  enum class Change { Done, NotFound, NameTaken };

  explicit AccountRepository(std::shared_ptr<Database> db) : db_(std::move(db)) {}

  // The sealed password is bound to the account's id, which exists only once the row does:
  // `sealPassword(id)` is called inside the inserting transaction, so no reader ever sees
  // the row without its password. NameTaken when the name is in use (any case).
  common::Result<Change> insert(AccountRecord& r, const std::function<std::string(int64_t id)>& sealPassword);
  // Every setting including passwordSealed (the caller passes the old blob to keep it);
  // created_at and the test times are left alone.
  common::Result<Change> update(const AccountRecord& r);
  common::Result<bool> remove(int64_t id);
  common::Result<std::optional<AccountRecord>> get(int64_t id);
  common::Result<std::optional<AccountRecord>> findByName(const std::string& name);
  common::Result<std::vector<AccountRecord>> all();  // by name

  // A test ran at `atMillis`; last_test_ok_at moves only when it passed.
  common::Result<bool> recordTest(int64_t id, bool ok, int64_t atMillis);
  // Messages of the account still waiting for an operator or a release (held, releasing,
  // release_failed): deleting the account would strand them.
  common::Result<int64_t> openMessageCount(int64_t id);

 private:
  std::shared_ptr<Database> db_;
};

}  // namespace mg::store
