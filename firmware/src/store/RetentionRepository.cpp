#include "store/RetentionRepository.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>

#include <map>

#include "store/Rows.h"

using namespace Poco::Data::Keywords;
using Poco::Data::RecordSet;
using Poco::Data::Statement;

namespace mg::store {
namespace {

using detail::i64;
using detail::str;

std::vector<PurgeCandidate> candidates(Statement& st) {
  st.execute();
  RecordSet rs(st);
  std::vector<PurgeCandidate> out;
  for (size_t r = 0; r < rs.rowCount(); ++r) {
    PurgeCandidate c;
    c.id = i64(rs, 0, r);
    c.status = str(rs, 1, r);
    c.updatedAt = i64(rs, 2, r);
    c.subject = str(rs, 3, r);
    c.spoolNames.push_back(str(rs, 4, r));
    out.push_back(std::move(c));
  }
  return out;
}

std::string idList(size_t n) {
  std::string s;
  for (size_t i = 0; i < n; ++i) s += i ? ",?" : "?";
  return s;
}

}  // namespace

common::Result<std::vector<PurgeCandidate>> RetentionRepository::doneToPurge(int64_t doneBefore, int64_t keepNewest,
                                                                             int limit) {
  auto rows = db_->attempt("finding messages past retention", [&](Poco::Data::Session& s) {
    Statement st(s);
    // The newest `keepNewest` by when they were done are kept (an old message discarded now
    // is one of the newest done); of the rest, and of those done before the cut-off, the
    // earliest done go first. A limit of 0 is "no limit" (kept as an explicit large number).
    st << "SELECT id, status, updated_at, subject, spool_name FROM messages "
          "WHERE status IN ('released','discarded','relayed') AND (updated_at < ? OR id NOT IN ("
          "  SELECT id FROM messages WHERE status IN ('released','discarded','relayed') "
          "  ORDER BY updated_at DESC, id DESC LIMIT ?)) "
          "ORDER BY updated_at, id LIMIT ?",
        bind(Poco::Int64(doneBefore)), bind(Poco::Int64(keepNewest)), bind(limit);
    return candidates(st);
  });
  if (!rows) return rows.status();
  return withSpoolNames(std::move(rows).value());
}

common::Result<std::vector<PurgeCandidate>> RetentionRepository::heldOlderThan(int64_t receivedBefore, int limit) {
  return db_->attempt("finding expired held mail", [&](Poco::Data::Session& s) {
    Statement st(s);
    st << "SELECT id, status, updated_at, subject, spool_name FROM messages WHERE status = 'held' AND received_at < ? "
          "ORDER BY id LIMIT ?",
        bind(Poco::Int64(receivedBefore)), bind(limit);
    return candidates(st);
  });
}

common::Result<std::vector<int64_t>> RetentionRepository::markPurging(const std::vector<PurgeCandidate>& list) {
  return db_->attempt("marking messages for purge", [&](Poco::Data::Session&) {
    std::vector<int64_t> marked;
    db_->transaction([&](Poco::Data::Session& s) {
      for (const auto& c : list) {
        Statement st(s);
        st << "UPDATE messages SET status = ? WHERE id = ? AND status = ?", bind(std::string(kPurgingStatus)),
            bind(Poco::Int64(c.id)), bind(c.status);
        if (st.execute() == 1) marked.push_back(c.id);
      }
    });
    return marked;
  });
}

common::Result<std::vector<PurgeCandidate>> RetentionRepository::purging(int limit) {
  auto rows = db_->attempt("finding unfinished purges", [&](Poco::Data::Session& s) {
    Statement st(s);
    st << "SELECT id, status, updated_at, subject, spool_name FROM messages WHERE status = ? ORDER BY id LIMIT ?",
        bind(std::string(kPurgingStatus)), bind(limit);
    return candidates(st);
  });
  if (!rows) return rows.status();
  return withSpoolNames(std::move(rows).value());
}

common::Status RetentionRepository::deletePurged(const std::vector<int64_t>& ids) {
  if (ids.empty()) return common::Status::success();
  return db_->attemptVoid("deleting purged messages", [&](Poco::Data::Session&) {
    db_->transaction([&](Poco::Data::Session& s) {
      for (int64_t id : ids) {
        const Poco::Int64 v = id;
        s << "DELETE FROM message_versions WHERE email_id = ?", bind(v), now;
        s << "DELETE FROM relays WHERE email_id = ?", bind(v), now;
        s << "DELETE FROM messages WHERE id = ? AND status = ?", bind(v), bind(std::string(kPurgingStatus)), now;
      }
    });
  });
}

common::Result<bool> RetentionRepository::wasPurged(int64_t id) {
  return db_->attempt("looking up a purged message", [&](Poco::Data::Session& s) {
    Poco::Int64 seq = 0;
    int present = 0;
    s << "SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'messages'), 0)", into(seq), now;
    s << "SELECT COUNT(*) FROM messages WHERE id = ?", bind(Poco::Int64(id)), into(present), now;
    return id > 0 && id <= seq && present == 0;
  });
}

common::Result<std::vector<PurgeCandidate>> RetentionRepository::withSpoolNames(std::vector<PurgeCandidate> rows) {
  if (rows.empty()) return rows;
  auto versions = db_->attempt("listing versions to purge", [&](Poco::Data::Session& s) {
    Statement st(s);
    st << "SELECT email_id, spool_name FROM message_versions WHERE email_id IN (" + idList(rows.size()) + ")";
    for (const auto& r : rows) st, bind(Poco::Int64(r.id));
    st.execute();
    RecordSet rs(st);
    std::multimap<int64_t, std::string> out;
    for (size_t r = 0; r < rs.rowCount(); ++r) out.emplace(i64(rs, 0, r), str(rs, 1, r));
    return out;
  });
  if (!versions) return versions.status();
  for (auto& r : rows) {
    auto range = versions.value().equal_range(r.id);
    for (auto it = range.first; it != range.second; ++it) {
      if (it->second != r.spoolNames.front()) r.spoolNames.push_back(it->second);
    }
  }
  return rows;
}

}  // namespace mg::store
