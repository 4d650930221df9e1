#pragma once
// The one SQLite database (data_dir/mailgate.db) through POCO Data. WAL with
// synchronous=FULL: a commit that returned is on disk, which the SMTP 250 relies on.
// One connection behind a mutex: an appliance's write rate is small, and a single writer
// makes every status transition trivially serial.
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "common/Status.h"

// Only the store's own sources see POCO Data (they include its headers and instantiate the
// templates below); the rest of the daemon holds a Database without knowing what is inside.
namespace Poco::Data {
class Session;
}  // namespace Poco::Data

namespace mg::store {

class Database {
 public:
  // Opens (creating if needed) and applies pending migrations. Errors name the file.
  static common::Result<std::shared_ptr<Database>> open(const std::string& path);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs fn with the connection locked. Repositories use this for every query.
  template <typename Fn>
  auto locked(Fn&& fn) {
    std::lock_guard<std::recursive_mutex> lock(mu_);
    return fn(*session_);
  }
  // Runs fn inside BEGIN IMMEDIATE … COMMIT (ROLLBACK on exception, which is rethrown).
  void transaction(const std::function<void(Poco::Data::Session&)>& fn);

  // The module edge (DESIGN §4): runs fn with the connection locked and turns whatever POCO or
  // SQLite throws (SQLITE_FULL, an I/O error, a locked file) into an error value naming
  // `operation`, so no exception leaves the store. fn returns a value, or nothing.
  template <typename Fn>
  auto attempt(const char* operation, Fn&& fn) -> common::Result<decltype(fn(std::declval<Poco::Data::Session&>()))> {
    using T = decltype(fn(std::declval<Poco::Data::Session&>()));
    std::lock_guard<std::recursive_mutex> lock(mu_);
    std::string failure = injectedFault(operation);
    if (failure.empty()) {
      try {
        return fn(*session_);
      } catch (const std::exception& e) {
        failure = describe(e);
      }
    }
    return common::Result<T>::error(std::string(operation) + ": " + failure);
  }
  template <typename Fn>
  common::Status attemptVoid(const char* operation, Fn&& fn) {
    return attempt(operation, [&](Poco::Data::Session& s) {
             fn(s);
             return true;
           })
        .status();
  }

  // Tests only: before each operation, `fault(operation)` may return an error text, and the
  // operation then fails with it as if SQLite had (e.g. "database or disk is full").
  void setFaultForTest(std::function<std::string(const std::string& operation)> fault);

  common::Result<int> schemaVersion();
  // The health check's write probe: one committed UPDATE of a one-row table (a page of WAL,
  // so the check runs it minutes apart, not at every evaluation).
  common::Status probeWrite(int64_t nowMillis);
  const std::string& path() const { return path_; }
  // Consistent snapshot for backups: VACUUM INTO (no file copy of a live database).
  common::Status vacuumInto(const std::string& target);
  int64_t lastInsertId(Poco::Data::Session& s);

 private:
  Database(std::string path, std::unique_ptr<Poco::Data::Session> session);
  common::Status migrate();
  std::string injectedFault(const char* operation);
  static std::string describe(const std::exception& e);

  std::string path_;
  std::unique_ptr<Poco::Data::Session> session_;
  std::recursive_mutex mu_;
  std::function<std::string(const std::string&)> faultForTest_;
};

}  // namespace mg::store
