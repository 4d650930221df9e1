#include "store/RuleRepository.h"

#include <Poco/Data/Statement.h>

#include "store/Rows.h"

using namespace Poco::Data::Keywords;
using Poco::Data::RecordSet;
using Poco::Data::Statement;

namespace mg::store {
namespace {

const char* kColumns = "id, name, scope, account_id, match_json, action, auto_release_minutes, priority, enabled, created_at";

std::vector<RuleRecord> rows(Statement& st) {
  st.execute();
  RecordSet rs(st);
  std::vector<RuleRecord> out;
  for (size_t r = 0; r < rs.rowCount(); ++r) {
    RuleRecord x;
    x.id = detail::i64(rs, 0, r);
    x.name = detail::str(rs, 1, r);
    x.scope = detail::str(rs, 2, r);
    x.accountId = detail::i64(rs, 3, r);
    x.matchJson = detail::str(rs, 4, r);
    x.action = detail::str(rs, 5, r);
    x.autoReleaseMinutes = static_cast<int>(detail::i64(rs, 6, r));
    x.priority = static_cast<int>(detail::i64(rs, 7, r));
    x.enabled = detail::i64(rs, 8, r) != 0;
    x.createdAt = detail::i64(rs, 9, r);
    out.push_back(std::move(x));
  }
  return out;
}

}  // namespace

common::Result<int64_t> RuleRepository::insert(const RuleRecord& r) {
  return db_->attempt("adding the rule", [&](Poco::Data::Session& s) {
    s << "INSERT INTO rules (name, scope, account_id, match_json, action, auto_release_minutes, priority, enabled, "
         "created_at) VALUES (?, ?, NULLIF(?,0), ?, ?, ?, ?, ?, ?)",
        bind(r.name), bind(r.scope), bind(Poco::Int64(r.accountId)), bind(r.matchJson), bind(r.action),
        bind(r.autoReleaseMinutes), bind(r.priority), bind(int(r.enabled ? 1 : 0)), bind(Poco::Int64(r.createdAt)),
        now;
    return db_->lastInsertId(s);
  });
}

common::Result<bool> RuleRepository::update(const RuleRecord& r) {
  return db_->attempt("changing the rule", [&](Poco::Data::Session& s) {
    Statement st(s);
    st << "UPDATE rules SET name = ?, scope = ?, account_id = NULLIF(?,0), match_json = ?, action = ?, "
          "auto_release_minutes = ?, priority = ?, enabled = ? WHERE id = ?",
        bind(r.name), bind(r.scope), bind(Poco::Int64(r.accountId)), bind(r.matchJson), bind(r.action),
        bind(r.autoReleaseMinutes), bind(r.priority), bind(int(r.enabled ? 1 : 0)), bind(Poco::Int64(r.id));
    return st.execute() == 1;
  });
}

common::Result<bool> RuleRepository::remove(int64_t id) {
  return db_->attempt("removing the rule", [&](Poco::Data::Session& s) {
    Statement st(s);
    st << "DELETE FROM rules WHERE id = ?", bind(Poco::Int64(id));
    return st.execute() == 1;
  });
}

common::Result<std::optional<RuleRecord>> RuleRepository::get(int64_t id) {
  return db_->attempt("reading the rule", [&](Poco::Data::Session& s) -> std::optional<RuleRecord> {
    Statement st(s);
    st << std::string("SELECT ") + kColumns + " FROM rules WHERE id = ?", bind(Poco::Int64(id));
    auto r = rows(st);
    if (r.empty()) return std::nullopt;
    return r.front();
  });
}

common::Result<std::vector<RuleRecord>> RuleRepository::all() {
  return db_->attempt("reading the rules", [&](Poco::Data::Session& s) {
    Statement st(s);
    st << std::string("SELECT ") + kColumns + " FROM rules ORDER BY priority, id";
    return rows(st);
  });
}

}  // namespace mg::store
