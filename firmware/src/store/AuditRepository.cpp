#include "store/AuditRepository.h"

#include <Poco/Data/Statement.h>

#include "common/Text.h"
#include "store/Rows.h"

using namespace Poco::Data::Keywords;
using Poco::Data::RecordSet;
using Poco::Data::Statement;

namespace mg::store {

std::string AuditRepository::entryHash(const AuditEntry& e) {
  // Fields separated by a byte that cannot occur in them unescaped (\x1f), so that moving
  // text from one field to the next changes the hash.
  const std::string sep(1, '\x1f');
  return common::sha256Hex(e.prevHash + sep + std::to_string(e.seq) + sep + std::to_string(e.at) + sep + e.user + sep +
                           e.action + sep + std::to_string(e.emailId) + sep + e.details);
}

common::Result<AuditEntry> AuditRepository::append(const std::string& user, const std::string& action,
                                                   int64_t emailId, const std::string& details, int64_t atMillis) {
  return db_->attempt("writing the audit entry", [&](Poco::Data::Session&) {
    AuditEntry e;
    db_->transaction([&](Poco::Data::Session& s) {
      Statement last(s);
      last << "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1";
      last.execute();
      RecordSet rs(last);
      e.seq = rs.rowCount() ? detail::i64(rs, 0, 0) + 1 : 1;
      e.prevHash = rs.rowCount() ? detail::str(rs, 1, 0) : std::string(64, '0');
      e.at = atMillis;
      e.user = user;
      e.action = action;
      e.emailId = emailId;
      e.details = details;
      e.hash = entryHash(e);
      s << "INSERT INTO audit (seq, at, user, action, email_id, details, prev_hash, hash) "
           "VALUES (?, ?, ?, ?, NULLIF(?,0), ?, ?, ?)",
          bind(Poco::Int64(e.seq)), bind(Poco::Int64(e.at)), bind(e.user), bind(e.action), bind(Poco::Int64(e.emailId)),
          bind(e.details), bind(e.prevHash), bind(e.hash), now;
    });
    return e;
  });
}

namespace {
std::vector<AuditEntry> rows(Statement& st) {
  st.execute();
  RecordSet rs(st);
  std::vector<AuditEntry> out;
  for (size_t r = 0; r < rs.rowCount(); ++r) {
    AuditEntry e;
    e.seq = detail::i64(rs, 0, r);
    e.at = detail::i64(rs, 1, r);
    e.user = detail::str(rs, 2, r);
    e.action = detail::str(rs, 3, r);
    e.emailId = detail::i64(rs, 4, r);
    e.details = detail::str(rs, 5, r);
    e.prevHash = detail::str(rs, 6, r);
    e.hash = detail::str(rs, 7, r);
    out.push_back(std::move(e));
  }
  return out;
}
}  // namespace

common::Result<std::vector<AuditEntry>> AuditRepository::list(const AuditFilter& f) {
  return db_->attempt("reading the audit log", [&](Poco::Data::Session& s) {
    Statement st(s);
    // action filter: "account.*" matches every account action.
    std::string actionLike = f.action;
    if (!actionLike.empty() && actionLike.back() == '*') actionLike.back() = '%';
    st << "SELECT seq, at, user, action, email_id, details, prev_hash, hash FROM audit "
          "WHERE (? = 0 OR at >= ?) AND (? = 0 OR at <= ?) AND (? = '' OR user = ?) AND (? = '' OR action LIKE ?) "
          "AND (? = 0 OR seq < ?) ORDER BY seq DESC LIMIT ?",
        bind(Poco::Int64(f.from)), bind(Poco::Int64(f.from)), bind(Poco::Int64(f.to)), bind(Poco::Int64(f.to)),
        bind(f.user), bind(f.user), bind(actionLike), bind(actionLike), bind(Poco::Int64(f.beforeSeq)),
        bind(Poco::Int64(f.beforeSeq)), bind(f.limit);
    return rows(st);
  });
}

common::Result<AuditVerification> AuditRepository::verify() {
  AuditVerification v;
  std::string prev(64, '0');
  int64_t expectedSeq = 1;
  const int64_t kPage = 1000;
  int64_t after = 0;
  while (true) {
    auto read = db_->attempt("reading the audit log", [&](Poco::Data::Session& s) {
      Statement st(s);
      st << "SELECT seq, at, user, action, email_id, details, prev_hash, hash FROM audit WHERE seq > ? "
            "ORDER BY seq LIMIT ?",
          bind(Poco::Int64(after)), bind(Poco::Int64(kPage));
      return rows(st);
    });
    if (!read) return read.status();
    const auto& page = read.value();
    for (const auto& e : page) {
      ++v.entries;
      if (v.ok && (e.seq != expectedSeq || e.prevHash != prev || entryHash(e) != e.hash)) {
        v.ok = false;
        v.firstBadSeq = e.seq;
      }
      prev = e.hash;
      expectedSeq = e.seq + 1;
      after = e.seq;
    }
    if (static_cast<int64_t>(page.size()) < kPage) break;
  }
  return v;
}

}  // namespace mg::store
