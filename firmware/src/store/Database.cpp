#include "store/Database.h"

#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <Poco/Exception.h>

#include <cstdlib>
#include <mutex>
#include <string>

#include "store/Migrations.h"

using namespace Poco::Data::Keywords;

namespace mg::store {
namespace {
constexpr std::size_t kOpenTimeoutSeconds = 3;
}  // namespace

Database::Database(std::string path, std::unique_ptr<Poco::Data::Session> session)
    : path_(std::move(path)), session_(std::move(session)) {}

Database::~Database() = default;

common::Result<std::shared_ptr<Database>> Database::open(const std::string& path) {
  static std::once_flag registered;
  std::call_once(registered, [] { Poco::Data::SQLite::Connector::registerConnector(); });
  try {
    // POCO retries a failed open for its login timeout (60 s by default): a path that cannot be
    // opened is an answer in a few seconds, not a minute of a stalled start.
    auto session = std::make_unique<Poco::Data::Session>("SQLite", path, kOpenTimeoutSeconds);
    // Tuned for few writes on an SD card (docs/BENCHMARKS.md, "bytes written per message");
    // MAILGATE_SQLITE_TUNING=off keeps SQLite's defaults, the benchmark's "before".
    const char* tuning = std::getenv("MAILGATE_SQLITE_TUNING");
    const bool tuned = !tuning || std::string(tuning) != "off";
    // Smaller pages for a new database: each commit writes every page it changed into the WAL
    // whole, and a message's row touches a dozen index pages. (No effect on an existing file.)
    if (tuned) *session << "PRAGMA page_size=1024", now;
    std::string mode;
    *session << "PRAGMA journal_mode=WAL", into(mode), now;
    *session << "PRAGMA synchronous=FULL", now;
    *session << "PRAGMA foreign_keys=ON", now;
    *session << "PRAGMA busy_timeout=5000", now;
    // A hot page (an index leaf every message touches) goes to the WAL at each commit but to
    // the database file only at a checkpoint, so checkpoints further apart write it less
    // often; the WAL file is cut back after each checkpoint so it keeps no high-water size.
    if (tuned) {
      *session << "PRAGMA wal_autocheckpoint=4000", now;        // pages (4 MiB of WAL at 1 KiB)
      *session << "PRAGMA journal_size_limit=4194304", now;     // bytes kept of the WAL after a checkpoint
    }
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
