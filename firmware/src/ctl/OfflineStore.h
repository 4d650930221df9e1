#pragma once
// `user add` and `token create` while mailgated is stopped: straight into data_dir/mailgate.db,
// under the daemon's lock, with the same hashing the daemon uses (crypto::PasswordHash,
// crypto::TokenHash) and an audit entry, so the result is indistinguishable from the API's.
#include <memory>
#include <string>

#include "common/Clock.h"
#include "common/Status.h"
#include "ctl/DataDirLock.h"

namespace mg::store {
class Database;
}

namespace mg::ctl {

class OfflineStore {
 public:
  static constexpr const char* kDatabaseFileName = "mailgate.db";

  // Takes the lock itself; fails (one line) when mailgated holds it.
  static common::Result<std::unique_ptr<OfflineStore>> open(const std::string& dataDir);
  // With a lock the caller already holds (it decided online vs offline by trying it).
  static common::Result<std::unique_ptr<OfflineStore>> open(DataDirLock lock, const std::string& dataDir);
  ~OfflineStore();
  OfflineStore(const OfflineStore&) = delete;
  OfflineStore& operator=(const OfflineStore&) = delete;

  // `actor` is who did it, for the audit log ("cli:root").
  common::Status addUser(const std::string& username, const std::string& password, const std::string& role,
                         const std::string& actor);
  // Returns the token, which exists nowhere else: the database keeps only its hash.
  common::Result<std::string> createToken(const std::string& name, const std::string& role, const std::string& actor);

  void setClock(const common::Clock* clock) { clock_ = clock; }

 private:
  OfflineStore(DataDirLock lock, std::string dataDir, std::shared_ptr<store::Database> db);
  void handOverOwnership();

  DataDirLock lock_;  // declared first: released last, after the database is closed
  std::string dataDir_;
  std::shared_ptr<store::Database> db_;
  const common::Clock* clock_;
};

}  // namespace mg::ctl
