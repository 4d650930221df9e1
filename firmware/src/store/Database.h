#pragma once
// The one SQLite database (data_dir/mailgate.db) through POCO Data. WAL with
// synchronous=FULL: a commit that returned is on disk, which the SMTP 250 relies on.
// One connection behind a mutex: an appliance's write rate is small, and a single writer
// makes every status transition trivially serial.
#include <Poco/Data/Session.h>

#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "common/Status.h"

namespace mg::store {

class Database {
 public:
  // Opens (creating if needed) and applies pending migrations. Errors name the file.
  static common::Result<std::shared_ptr<Database>> open(const std::string& path);

  // Runs fn with the connection locked. Repositories use this for every query.
  template <typename Fn>
  auto locked(Fn&& fn) {
    std::lock_guard<std::recursive_mutex> lock(mu_);
    return fn(*session_);
  }
  // Runs fn inside BEGIN IMMEDIATE … COMMIT (ROLLBACK on exception, which is rethrown).
  void transaction(const std::function<void(Poco::Data::Session&)>& fn);

  int schemaVersion();
  const std::string& path() const { return path_; }
  // Consistent snapshot for backups: VACUUM INTO (no file copy of a live database).
  common::Status vacuumInto(const std::string& target);
  int64_t lastInsertId(Poco::Data::Session& s);

 private:
  Database(std::string path, std::unique_ptr<Poco::Data::Session> session);
  common::Status migrate();

  std::string path_;
  std::unique_ptr<Poco::Data::Session> session_;
  std::recursive_mutex mu_;
};

}  // namespace mg::store
