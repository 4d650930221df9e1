#include "store/Database.h"

#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <Poco/Exception.h>

#include <mutex>

#include "store/Migrations.h"

using namespace Poco::Data::Keywords;

namespace mg::store {

Database::Database(std::string path, std::unique_ptr<Poco::Data::Session> session)
    : path_(std::move(path)), session_(std::move(session)) {}

Database::~Database() = default;

common::Result<std::shared_ptr<Database>> Database::open(const std::string& path) {
  static std::once_flag registered;
  std::call_once(registered, [] { Poco::Data::SQLite::Connector::registerConnector(); });
  try {
    auto session = std::make_unique<Poco::Data::Session>("SQLite", path);
    std::string mode;
    *session << "PRAGMA journal_mode=WAL", into(mode), now;
    *session << "PRAGMA synchronous=FULL", now;
    *session << "PRAGMA foreign_keys=ON", now;
    *session << "PRAGMA busy_timeout=5000", now;
    std::shared_ptr<Database> db(new Database(path, std::move(session)));
    if (auto st = db->migrate(); !st.ok()) return st.withContext("database " + path);
    return db;
  } catch (const Poco::Exception& e) {
    return common::Result<std::shared_ptr<Database>>::error("database " + path + ": " + e.displayText());
  }
}

void Database::transaction(const std::function<void(Poco::Data::Session&)>& fn) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  *session_ << "BEGIN IMMEDIATE", now;
  try {
    fn(*session_);
    *session_ << "COMMIT", now;
  } catch (...) {
    try {
      *session_ << "ROLLBACK", now;
    } catch (...) {
    }
    throw;
  }
}

void Database::setFaultForTest(std::function<std::string(const std::string& operation)> fault) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  faultForTest_ = std::move(fault);
}

std::string Database::injectedFault(const char* operation) {
  return faultForTest_ ? faultForTest_(operation) : std::string();
}

std::string Database::describe(const std::exception& e) {
  if (const auto* pe = dynamic_cast<const Poco::Exception*>(&e)) return pe->displayText();
  return e.what();
}

common::Result<int> Database::schemaVersion() {
  return attempt("reading the schema version", [](Poco::Data::Session& s) {
    int v = 0;
    s << "PRAGMA user_version", into(v), now;
    return v;
  });
}

common::Status Database::probeWrite(int64_t nowMillis) {
  return attemptVoid("the health write probe", [nowMillis](Poco::Data::Session& s) {
    Poco::Int64 at = nowMillis;
    s << "INSERT INTO health_probe (id, written_at) VALUES (1, ?) "
         "ON CONFLICT (id) DO UPDATE SET written_at = excluded.written_at",
        use(at), now;
  });
}

int64_t Database::lastInsertId(Poco::Data::Session& s) {
  Poco::Int64 id = 0;
  s << "SELECT last_insert_rowid()", into(id), now;
  return id;
}

common::Status Database::migrate() {
  const auto& all = migrations();
  auto version = schemaVersion();
  if (!version) return version.status();
  const int current = version.value();
  if (current > static_cast<int>(all.size())) {
    return common::Status::error("schema version " + std::to_string(current) + " is newer than this mailgated (" +
                                 std::to_string(all.size()) + "); install the newer version or restore a backup");
  }
  for (size_t v = static_cast<size_t>(current); v < all.size(); ++v) {
    try {
      transaction([&](Poco::Data::Session& s) {
        for (const auto& sql : all[v]) s << sql, now;
        s << "PRAGMA user_version=" + std::to_string(v + 1), now;
      });
    } catch (const Poco::Exception& e) {
      return common::Status::error("migration to schema " + std::to_string(v + 1) + " failed: " + e.displayText());
    }
  }
  return common::Status::success();
}

common::Status Database::vacuumInto(const std::string& target) {
  try {
    locked([&](Poco::Data::Session& s) {
      s << "VACUUM INTO ?", bind(target), now;
      return 0;
    });
    return common::Status::success();
  } catch (const Poco::Exception& e) {
    return common::Status::error("VACUUM INTO " + target + ": " + e.displayText());
  }
}

}  // namespace mg::store
