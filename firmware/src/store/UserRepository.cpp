#include "store/UserRepository.h"

#include <Poco/Data/SQLite/SQLiteException.h>
#include <Poco/Data/Statement.h>

#include "store/Rows.h"

using namespace Poco::Data::Keywords;
using Poco::Data::RecordSet;
using Poco::Data::Statement;

namespace mg::store {
namespace {

std::vector<UserRecord> userRows(Statement& st) {
  st.execute();
  RecordSet rs(st);
  std::vector<UserRecord> out;
  for (size_t r = 0; r < rs.rowCount(); ++r) {
    out.push_back({detail::i64(rs, 0, r), detail::str(rs, 1, r), detail::str(rs, 2, r), detail::str(rs, 3, r),
                   detail::i64(rs, 4, r), detail::str(rs, 5, r), detail::str(rs, 6, r), detail::i64(rs, 7, r),
                   detail::str(rs, 8, r)});
  }
  return out;
}

std::vector<TokenRecord> tokenRows(Statement& st) {
  st.execute();
  RecordSet rs(st);
  std::vector<TokenRecord> out;
  for (size_t r = 0; r < rs.rowCount(); ++r) {
    out.push_back({detail::i64(rs, 0, r), detail::str(rs, 1, r), detail::str(rs, 2, r), detail::str(rs, 3, r),
                   detail::str(rs, 4, r), detail::i64(rs, 5, r), detail::i64(rs, 6, r)});
  }
  return out;
}

const char* kUserColumns =
    "id, username, password_hash, role, created_at, totp_secret, totp_pending, totp_last_step, recovery_codes";
const char* kTokenColumns = "id, name, token_hash, role, created_by, created_at, last_used_at";

}  // namespace

common::Result<bool> UserRepository::addUser(const UserRecord& u) {
  return db_->attempt("adding the user", [&](Poco::Data::Session& s) {
    int n = 0;
    s << "SELECT COUNT(*) FROM users WHERE username = ?", bind(u.username), into(n), now;
    if (n > 0) return false;
    s << "INSERT INTO users (username, password_hash, role, created_at) VALUES (?, ?, ?, ?)", bind(u.username),
        bind(u.passwordHash), bind(u.role), bind(Poco::Int64(u.createdAt)), now;
    return true;
  });
}

common::Result<std::optional<UserRecord>> UserRepository::findUser(const std::string& username) {
  return db_->attempt("reading the user", [&](Poco::Data::Session& s) -> std::optional<UserRecord> {
    Statement st(s);
    st << std::string("SELECT ") + kUserColumns + " FROM users WHERE username = ?", bind(username);
    auto rows = userRows(st);
    if (rows.empty()) return std::nullopt;
    return rows.front();
  });
}

common::Result<std::vector<UserRecord>> UserRepository::users() {
  return db_->attempt("listing users", [&](Poco::Data::Session& s) {
    Statement st(s);
    st << std::string("SELECT ") + kUserColumns + " FROM users ORDER BY username";
    return userRows(st);
  });
}

common::Result<bool> UserRepository::updateUser(const std::string& username, const std::optional<std::string>& passwordHash,
                                const std::optional<std::string>& role) {
  return db_->attempt("changing the user", [&](Poco::Data::Session& s) {
    Statement st(s);
    st << "UPDATE users SET password_hash = COALESCE(?, password_hash), role = COALESCE(?, role) WHERE username = ?";
    if (passwordHash) st, bind(*passwordHash); else st, bind(Poco::Data::Keywords::null);
    if (role) st, bind(*role); else st, bind(Poco::Data::Keywords::null);
    st, bind(username);
    return st.execute() == 1;
  });
}

common::Result<bool> UserRepository::removeUser(const std::string& username) {
  return db_->attempt("removing the user", [&](Poco::Data::Session& s) {
    Statement st(s);
    st << "DELETE FROM users WHERE username = ?", bind(username);
    return st.execute() == 1;
  });
}

common::Result<int64_t> UserRepository::userCount() {
  return db_->attempt("counting users", [&](Poco::Data::Session& s) {
    Poco::Int64 n = 0;
    s << "SELECT COUNT(*) FROM users", into(n), now;
    return static_cast<int64_t>(n);
  });
}

common::Result<bool> UserRepository::setTotpPending(const std::string& username, const std::string& sealedSecret) {
  return db_->attempt("starting the second factor", [&](Poco::Data::Session& s) {
    Statement st(s);
    st << "UPDATE users SET totp_pending = ? WHERE username = ? AND totp_secret = ''", bind(sealedSecret), bind(username);
    return st.execute() == 1;
  });
}

common::Result<bool> UserRepository::enableTotp(const std::string& username, const std::string& expectedPending,
                                                const std::string& sealedSecret, int64_t lastStep,
                                                const std::string& recoveryCodes) {
  return db_->attempt("turning the second factor on", [&](Poco::Data::Session& s) {
    Statement st(s);
    st << "UPDATE users SET totp_secret = ?, totp_pending = '', totp_last_step = ?, recovery_codes = ? "
          "WHERE username = ? AND totp_pending = ? AND totp_pending != '' AND totp_secret = ''",
        bind(sealedSecret), bind(Poco::Int64(lastStep)), bind(recoveryCodes), bind(username), bind(expectedPending);
    return st.execute() == 1;
  });
}

common::Result<bool> UserRepository::disableTotp(const std::string& username) {
  return db_->attempt("turning the second factor off", [&](Poco::Data::Session& s) {
    Statement st(s);
    st << "UPDATE users SET totp_secret = '', totp_pending = '', totp_last_step = 0, recovery_codes = '' "
          "WHERE username = ?",
        bind(username);
    return st.execute() == 1;
  });
}

common::Result<bool> UserRepository::useTotpStep(const std::string& username, const std::string& sealedSecret,
                                                 int64_t step) {
  return db_->attempt("recording the code used", [&](Poco::Data::Session& s) {
    Statement st(s);
    st << "UPDATE users SET totp_last_step = ? WHERE username = ? AND totp_last_step < ? AND totp_secret = ? "
          "AND totp_secret != ''",
        bind(Poco::Int64(step)), bind(username), bind(Poco::Int64(step)), bind(sealedSecret);
    return st.execute() == 1;
  });
}

common::Result<bool> UserRepository::replaceRecoveryCodes(const std::string& username, const std::string& expected,
                                                          const std::string& replacement) {
  return db_->attempt("changing the recovery codes", [&](Poco::Data::Session& s) {
    Statement st(s);
    st << "UPDATE users SET recovery_codes = ? WHERE username = ? AND recovery_codes = ? AND totp_secret != ''",
        bind(replacement), bind(username), bind(expected);
    return st.execute() == 1;
  });
}

common::Result<int64_t> UserRepository::addToken(const TokenRecord& t) {
  return db_->attempt("adding the token", [&](Poco::Data::Session& s) {
    s << "INSERT INTO tokens (name, token_hash, role, created_by, created_at) VALUES (?, ?, ?, ?, ?)", bind(t.name),
        bind(t.tokenHash), bind(t.role), bind(t.createdBy), bind(Poco::Int64(t.createdAt)), now;
    return db_->lastInsertId(s);
  });
}

common::Result<std::optional<TokenRecord>> UserRepository::findTokenByHash(const std::string& tokenHash) {
  return db_->attempt("checking the token", [&](Poco::Data::Session& s) -> std::optional<TokenRecord> {
    Statement st(s);
    st << std::string("SELECT ") + kTokenColumns + " FROM tokens WHERE token_hash = ?", bind(tokenHash);
    auto rows = tokenRows(st);
    if (rows.empty()) return std::nullopt;
    return rows.front();
  });
}

common::Result<std::vector<TokenRecord>> UserRepository::tokens() {
  return db_->attempt("listing tokens", [&](Poco::Data::Session& s) {
    Statement st(s);
    st << std::string("SELECT ") + kTokenColumns + " FROM tokens ORDER BY id";
    return tokenRows(st);
  });
}

common::Result<bool> UserRepository::removeToken(int64_t id) {
  return db_->attempt("removing the token", [&](Poco::Data::Session& s) {
    Statement st(s);
    st << "DELETE FROM tokens WHERE id = ?", bind(Poco::Int64(id));
    return st.execute() == 1;
  });
}

common::Status UserRepository::touchToken(int64_t id, int64_t atMillis) {
  return db_->attemptVoid("noting the token's use", [&](Poco::Data::Session& s) {
    s << "UPDATE tokens SET last_used_at = ? WHERE id = ?", bind(Poco::Int64(atMillis)), bind(Poco::Int64(id)), now;
  });
}

}  // namespace mg::store
