#include "store/AccountRepository.h"

#include <Poco/Data/Statement.h>

#include "store/Rows.h"

using namespace Poco::Data::Keywords;
using Poco::Data::RecordSet;
using Poco::Data::Statement;

namespace mg::store {
namespace {

const char* kColumns =
    "id, name, host, port, tls, username, password_sealed, quarantine_folder, intercept, enabled, created_at, "
    "updated_at, last_test_ok_at, last_test_at";

std::vector<AccountRecord> rows(Statement& st) {
  st.execute();
  RecordSet rs(st);
  std::vector<AccountRecord> out;
  for (size_t r = 0; r < rs.rowCount(); ++r) {
    AccountRecord x;
    x.id = detail::i64(rs, 0, r);
    x.name = detail::str(rs, 1, r);
    x.host = detail::str(rs, 2, r);
    x.port = static_cast<int>(detail::i64(rs, 3, r));
    x.tls = detail::str(rs, 4, r);
    x.username = detail::str(rs, 5, r);
    x.passwordSealed = detail::str(rs, 6, r);
    x.quarantineFolder = detail::str(rs, 7, r);
    x.intercept = detail::str(rs, 8, r);
    x.enabled = detail::i64(rs, 9, r) != 0;
    x.createdAt = detail::i64(rs, 10, r);
    x.updatedAt = detail::i64(rs, 11, r);
    x.lastTestOkAt = detail::i64(rs, 12, r);
    x.lastTestAt = detail::i64(rs, 13, r);
    out.push_back(std::move(x));
  }
  return out;
}

// The UNIQUE constraint would also catch a duplicate, but as an exception whose text depends
// on SQLite; asking first (under the same lock) gives a clean answer.
bool nameTaken(Poco::Data::Session& s, const std::string& name, int64_t exceptId) {
  int n = 0;
  s << "SELECT COUNT(*) FROM accounts WHERE name = ? COLLATE NOCASE AND id <> ?", bind(name),
      bind(Poco::Int64(exceptId)), into(n), now;
  return n > 0;
}

}  // namespace

common::Result<AccountRepository::Change> AccountRepository::insert(
    AccountRecord& r, const std::function<std::string(int64_t)>& sealPassword) {
  Change result = Change::Done;
  // A seal that throws rolls the row back like any store error, and comes out as one.
  auto done = db_->attemptVoid("adding the account", [&](Poco::Data::Session&) {
  db_->transaction([&](Poco::Data::Session& s) {
    if (nameTaken(s, r.name, 0)) {
      result = Change::NameTaken;
      return;
    }
    // '' only inside this transaction: the sealed blob replaces it before COMMIT.
    s << "INSERT INTO accounts (name, host, port, tls, username, password_sealed, quarantine_folder, intercept, "
         "enabled, created_at, updated_at) VALUES (?, ?, ?, ?, ?, '', ?, ?, ?, ?, ?)",
        bind(r.name), bind(r.host), bind(r.port), bind(r.tls), bind(r.username), bind(r.quarantineFolder),
        bind(r.intercept), bind(int(r.enabled ? 1 : 0)), bind(Poco::Int64(r.createdAt)), bind(Poco::Int64(r.updatedAt)),
        now;
    r.id = db_->lastInsertId(s);
    r.passwordSealed = sealPassword(r.id);
    s << "UPDATE accounts SET password_sealed = ? WHERE id = ?", bind(r.passwordSealed), bind(Poco::Int64(r.id)), now;
  });
  });
  if (!done) return done;
  return result;
}

common::Result<AccountRepository::Change> AccountRepository::update(const AccountRecord& r) {
  return db_->attempt("changing the account", [&](Poco::Data::Session& s) {
    if (nameTaken(s, r.name, r.id)) return Change::NameTaken;
    Statement st(s);
    st << "UPDATE accounts SET name = ?, host = ?, port = ?, tls = ?, username = ?, password_sealed = ?, "
          "quarantine_folder = ?, intercept = ?, enabled = ?, updated_at = ? WHERE id = ?",
        bind(r.name), bind(r.host), bind(r.port), bind(r.tls), bind(r.username), bind(r.passwordSealed),
        bind(r.quarantineFolder), bind(r.intercept), bind(int(r.enabled ? 1 : 0)), bind(Poco::Int64(r.updatedAt)),
        bind(Poco::Int64(r.id));
    return st.execute() == 1 ? Change::Done : Change::NotFound;
  });
}

common::Result<bool> AccountRepository::remove(int64_t id) {
  return db_->attempt("removing the account", [&](Poco::Data::Session& s) {
    Statement st(s);
    st << "DELETE FROM accounts WHERE id = ?", bind(Poco::Int64(id));
    return st.execute() == 1;
  });
}

common::Result<std::optional<AccountRecord>> AccountRepository::get(int64_t id) {
  return db_->attempt("reading the account", [&](Poco::Data::Session& s) -> std::optional<AccountRecord> {
    Statement st(s);
    st << std::string("SELECT ") + kColumns + " FROM accounts WHERE id = ?", bind(Poco::Int64(id));
    auto r = rows(st);
    if (r.empty()) return std::nullopt;
    return r.front();
  });
}

common::Result<std::optional<AccountRecord>> AccountRepository::findByName(const std::string& name) {
  return db_->attempt("finding the account", [&](Poco::Data::Session& s) -> std::optional<AccountRecord> {
    Statement st(s);
    st << std::string("SELECT ") + kColumns + " FROM accounts WHERE name = ? COLLATE NOCASE", bind(name);
    auto r = rows(st);
    if (r.empty()) return std::nullopt;
    return r.front();
  });
}

common::Result<std::vector<AccountRecord>> AccountRepository::all() {
  return db_->attempt("listing accounts", [&](Poco::Data::Session& s) {
    Statement st(s);
    st << std::string("SELECT ") + kColumns + " FROM accounts ORDER BY name, id";
    return rows(st);
  });
}

common::Result<bool> AccountRepository::recordTest(int64_t id, bool ok, int64_t atMillis) {
  return db_->attempt("recording the account test", [&](Poco::Data::Session& s) {
    Statement st(s);
    st << "UPDATE accounts SET last_test_at = ?, last_test_ok_at = CASE WHEN ? THEN ? ELSE last_test_ok_at END "
          "WHERE id = ?",
        bind(Poco::Int64(atMillis)), bind(int(ok ? 1 : 0)), bind(Poco::Int64(atMillis)), bind(Poco::Int64(id));
    return st.execute() == 1;
  });
}

common::Result<int64_t> AccountRepository::openMessageCount(int64_t id) {
  return db_->attempt("counting the account's open messages", [&](Poco::Data::Session& s) {
    Poco::Int64 n = 0;
    s << "SELECT COUNT(*) FROM messages WHERE account_id = ? AND status IN ('held','releasing','release_failed')",
        bind(Poco::Int64(id)), into(n), now;
    return static_cast<int64_t>(n);
  });
}

}  // namespace mg::store
