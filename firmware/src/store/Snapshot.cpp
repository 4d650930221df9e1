#include "store/Snapshot.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <Poco/Exception.h>

#include <mutex>

#include "store/Rows.h"

using namespace Poco::Data::Keywords;
using Poco::Data::RecordSet;
using Poco::Data::Statement;

namespace mg::store {
namespace {

const char* kDone = "('released','discarded','relayed','purging')";

template <typename Fn>
auto withFile(const std::string& path, const char* what, Fn&& fn, bool readOnly = true) -> common::Result<decltype(fn(std::declval<Poco::Data::Session&>()))> {
  using T = decltype(fn(std::declval<Poco::Data::Session&>()));
  static std::once_flag registered;
  std::call_once(registered, [] { Poco::Data::SQLite::Connector::registerConnector(); });
  try {
    // Read-only URI: a damaged or foreign file is never written to, not even its journal. The
    // daemon's own file (WAL) is opened as usual: reading WAL needs its -shm writable.
    Poco::Data::Session s("SQLite", readOnly ? "file:" + path + "?mode=ro" : path, 3);  // seconds, not POCO's 60
    return fn(s);
  } catch (const Poco::Exception& e) {
    return common::Result<T>::error(std::string(what) + " " + path + ": " + e.displayText());
  } catch (const std::exception& e) {
    return common::Result<T>::error(std::string(what) + " " + path + ": " + e.what());
  }
}

std::set<std::string> names(Statement& st) {
  st.execute();
  RecordSet rs(st);
  std::set<std::string> out;
  for (size_t r = 0; r < rs.rowCount(); ++r) out.insert(detail::str(rs, 0, r));
  return out;
}

}  // namespace

common::Status snapshotIntegrity(const std::string& path) {
  auto r = withFile(path, "checking", [](Poco::Data::Session& s) {
    std::string result;
    s << "PRAGMA integrity_check(1)", into(result), now;
    return result;
  });
  if (!r) return r.status();
  if (r.value() != "ok") return common::Status::error("database " + path + " is damaged: " + r.value());
  return common::Status::success();
}

common::Result<int> snapshotSchemaVersion(const std::string& path) {
  return withFile(path, "reading the schema of", [](Poco::Data::Session& s) {
    int v = 0;
    s << "PRAGMA user_version", into(v), now;
    return v;
  }, false);  // also asked of the daemon's own WAL file before a migration
}

common::Result<std::set<std::string>> snapshotOpenSpoolNames(const std::string& path) {
  return withFile(path, "listing the spool files of", [](Poco::Data::Session& s) {
    Statement st(s);
    st << std::string("SELECT spool_name FROM messages WHERE status NOT IN ") + kDone +
              " UNION SELECT v.spool_name FROM message_versions v JOIN messages m ON m.id = v.email_id"
              " WHERE m.status NOT IN " + kDone;
    return names(st);
  });
}

common::Result<std::set<std::string>> snapshotAllSpoolNames(const std::string& path) {
  return withFile(path, "listing the spool files of", [](Poco::Data::Session& s) {
    Statement st(s);
    st << "SELECT spool_name FROM messages UNION SELECT spool_name FROM message_versions";
    return names(st);
  });
}

common::Result<SnapshotCounts> snapshotCounts(const std::string& path) {
  return withFile(path, "counting the messages of", [](Poco::Data::Session& s) {
    SnapshotCounts c;
    Poco::Int64 all = 0, open = 0, held = 0;
    s << "SELECT COUNT(*) FROM messages", into(all), now;
    s << std::string("SELECT COUNT(*) FROM messages WHERE status NOT IN ") + kDone, into(open), now;
    s << "SELECT COUNT(*) FROM messages WHERE status = 'held'", into(held), now;
    c.messages = all;
    c.open = open;
    c.held = held;
    return c;
  });
}

common::Status snapshotCopy(const std::string& source, const std::string& target) {
  return withFile(source, "copying", [&](Poco::Data::Session& s) {
           s << "VACUUM INTO ?", bind(target), now;
           return true;
         }, false)
      .status();
}

}  // namespace mg::store
