#include "store/MessageRepository.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>

#include "common/Clock.h"
#include "common/Text.h"
#include "store/Rows.h"

using namespace Poco::Data::Keywords;
using Poco::Data::RecordSet;
using Poco::Data::Statement;

namespace mg::store {

std::string joinAddresses(const std::vector<std::string>& a) {
  std::string out;
  for (const auto& s : a) {
    if (!out.empty()) out += '\n';
    out += s;
  }
  return out;
}

std::vector<std::string> splitAddresses(const std::string& s) {
  if (s.empty()) return {};
  return common::split(s, '\n');
}

namespace {

using detail::i64;
using detail::str;

const char* kColumns =
    "id, source, account_id, status, message_id, mail_from, rcpt_to, from_header, to_header, subject, "
    "received_at, size, has_attachments, content_hash, spool_name, current_version, rule_id, rule_name, "
    "auto_release_at, failure_reason, attempts, next_attempt_at, release_to, released_at, updated_at, "
    "imap_uid, imap_uidvalidity, imap_folder_uid, imap_folder_uidvalidity, smtp_helo, smtp_client, smtp_protocol, "
    "smtputf8, parsed, content_note";


MessageRecord fromRow(const RecordSet& rs, size_t r) {
  MessageRecord m;
  m.id = i64(rs, 0, r);
  m.source = str(rs, 1, r);
  m.accountId = i64(rs, 2, r);
  m.status = str(rs, 3, r);
  m.messageId = str(rs, 4, r);
  m.mailFrom = str(rs, 5, r);
  m.rcptTo = splitAddresses(str(rs, 6, r));
  m.fromHeader = str(rs, 7, r);
  m.toHeader = str(rs, 8, r);
  m.subject = str(rs, 9, r);
  m.receivedAt = i64(rs, 10, r);
  m.size = i64(rs, 11, r);
  m.hasAttachments = i64(rs, 12, r) != 0;
  m.contentHash = str(rs, 13, r);
  m.spoolName = str(rs, 14, r);
  m.currentVersion = static_cast<int>(i64(rs, 15, r));
  m.ruleId = i64(rs, 16, r);
  m.ruleName = str(rs, 17, r);
  m.autoReleaseAt = i64(rs, 18, r);
  m.failureReason = str(rs, 19, r);
  m.attempts = static_cast<int>(i64(rs, 20, r));
  m.nextAttemptAt = i64(rs, 21, r);
  m.releaseTo = splitAddresses(str(rs, 22, r));
  m.releasedAt = i64(rs, 23, r);
  m.updatedAt = i64(rs, 24, r);
  m.imapUid = i64(rs, 25, r);
  m.imapUidValidity = i64(rs, 26, r);
  m.imapFolderUid = i64(rs, 27, r);
  m.imapFolderUidValidity = i64(rs, 28, r);
  m.smtpHelo = str(rs, 29, r);
  m.smtpClient = str(rs, 30, r);
  m.smtpProtocol = str(rs, 31, r);
  m.smtpUtf8 = i64(rs, 32, r) != 0;
  m.parsed = i64(rs, 33, r) != 0;
  m.contentNote = str(rs, 34, r);
  return m;
}

std::vector<MessageRecord> allRows(Statement& st) {
  st.execute();
  RecordSet rs(st);
  std::vector<MessageRecord> out;
  out.reserve(rs.rowCount());
  for (size_t r = 0; r < rs.rowCount(); ++r) out.push_back(fromRow(rs, r));
  return out;
}

std::vector<int64_t> ids(Statement& st) {
  st.execute();
  RecordSet rs(st);
  std::vector<int64_t> out;
  for (size_t r = 0; r < rs.rowCount(); ++r) out.push_back(i64(rs, 0, r));
  return out;
}

int64_t nowMs() { return common::SystemClock::instance().nowMillis(); }

}  // namespace

common::Result<int64_t> MessageRepository::insert(const MessageRecord& m) {
  return db_->attempt("recording the message", [&](Poco::Data::Session&) {
    int64_t id = 0;
    db_->transaction([&](Poco::Data::Session& s) {
      Statement st(s);
      st << "INSERT INTO messages (source, account_id, status, message_id, mail_from, rcpt_to, from_header, "
            "to_header, subject, received_at, size, has_attachments, content_hash, spool_name, current_version, "
            "rule_id, rule_name, auto_release_at, failure_reason, attempts, next_attempt_at, release_to, "
            "updated_at, imap_uid, imap_uidvalidity, smtp_helo, smtp_client, smtp_protocol, smtputf8, parsed, "
            "content_note) "
            "VALUES (?, NULLIF(?,0), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, NULLIF(?,0), ?, ?, ?, ?, ?, ?, ?, ?, ?, "
            "?, ?, ?, ?, ?, ?)",
          bind(m.source), bind(Poco::Int64(m.accountId)), bind(m.status), bind(m.messageId), bind(m.mailFrom),
          bind(joinAddresses(m.rcptTo)), bind(m.fromHeader), bind(m.toHeader), bind(m.subject),
          bind(Poco::Int64(m.receivedAt)), bind(Poco::Int64(m.size)), bind(int(m.hasAttachments ? 1 : 0)),
          bind(m.contentHash), bind(m.spoolName), bind(Poco::Int64(m.ruleId)), bind(m.ruleName),
          bind(Poco::Int64(m.autoReleaseAt)), bind(m.failureReason), bind(m.attempts),
          bind(Poco::Int64(m.nextAttemptAt)), bind(joinAddresses(m.releaseTo)), bind(Poco::Int64(nowMs())),
          bind(Poco::Int64(m.imapUid)), bind(Poco::Int64(m.imapUidValidity)), bind(m.smtpHelo), bind(m.smtpClient),
          bind(m.smtpProtocol), bind(int(m.smtpUtf8 ? 1 : 0)), bind(int(m.parsed ? 1 : 0)), bind(m.contentNote);
      st.execute();
      id = db_->lastInsertId(s);
      s << "INSERT INTO message_versions (email_id, version, spool_name, content_hash, size, created_at, created_by) "
           "VALUES (?, 1, ?, ?, ?, ?, 'original')",
          bind(Poco::Int64(id)), bind(m.spoolName), bind(m.contentHash), bind(Poco::Int64(m.size)),
          bind(Poco::Int64(m.receivedAt)), now;
    });
    return id;
  });
}

common::Result<std::optional<MessageRecord>> MessageRepository::get(int64_t id) {
  return db_->attempt("reading message", [&](Poco::Data::Session& s) -> std::optional<MessageRecord> {
    Statement st(s);
    st << std::string("SELECT ") + kColumns + " FROM messages WHERE id = ?", bind(Poco::Int64(id));
    auto rows = allRows(st);
    if (rows.empty()) return std::nullopt;
    return rows.front();
  });
}

std::string MessageRepository::listSql(const MessageFilter& f) {
  // Only the conditions asked for go into the SQL: "status = ? AND id < ?" then walks the
  // (status, id) index from the cursor down, so a page of held mail costs the same whether
  // it is the first or the 200th and however much released mail lies between.
  std::string sql = std::string("SELECT ") + kColumns + " FROM messages WHERE status <> 'purging'";
  if (!f.status.empty()) sql += " AND status = ?";
  if (!f.source.empty()) sql += " AND source = ?";
  if (f.accountId != 0) sql += " AND account_id = ?";
  if (!f.query.empty()) {
    sql += " AND (subject LIKE ? OR from_header LIKE ? OR to_header LIKE ? OR mail_from LIKE ? OR rcpt_to LIKE ?"
           " OR message_id LIKE ?)";
  }
  if (f.beforeId != 0) sql += " AND id < ?";
  sql += " ORDER BY id DESC LIMIT ?";
  return sql;
}

common::Result<std::vector<MessageRecord>> MessageRepository::list(const MessageFilter& f) {
  const std::string sql = listSql(f);
  return db_->attempt("listing messages", [&](Poco::Data::Session& s) {
    Statement st(s);
    const std::string like = "%" + f.query + "%";
    const Poco::Int64 accountId = f.accountId;
    const Poco::Int64 beforeId = f.beforeId;
    st << sql;
    if (!f.status.empty()) st, bind(f.status);
    if (!f.source.empty()) st, bind(f.source);
    if (f.accountId != 0) st, bind(accountId);
    if (!f.query.empty()) {
      for (int i = 0; i < 6; ++i) st, bind(like);
    }
    if (f.beforeId != 0) st, bind(beforeId);
    st, bind(f.limit);
    return allRows(st);
  });
}

common::Result<std::vector<MessageRecord>> MessageRepository::latest(int limit) {
  MessageFilter f;
  f.limit = limit;
  return list(f);
}

common::Result<bool> MessageRepository::transition(int64_t id, const std::vector<std::string>& from, const std::string& to,
                                   const Change& c) {
  std::string placeholders;
  for (size_t i = 0; i < from.size(); ++i) placeholders += i ? ",?" : "?";
  std::string sql = "UPDATE messages SET status = ?, updated_at = ?";
  if (c.failureReason) sql += ", failure_reason = ?";
  if (c.attempts) sql += ", attempts = ?";
  if (c.nextAttemptAt) sql += ", next_attempt_at = ?";
  if (c.releaseTo) sql += ", release_to = ?";
  if (c.releasedAt) sql += ", released_at = ?";
  sql += " WHERE id = ? AND status IN (" + placeholders + ")";
  return db_->attempt("changing the status", [&](Poco::Data::Session& s) {
    Statement st(s);
    st << sql, bind(to), bind(Poco::Int64(nowMs()));
    if (c.failureReason) st, bind(*c.failureReason);
    if (c.attempts) st, bind(*c.attempts);
    if (c.nextAttemptAt) st, bind(Poco::Int64(*c.nextAttemptAt));
    if (c.releaseTo) st, bind(joinAddresses(*c.releaseTo));
    if (c.releasedAt) st, bind(Poco::Int64(*c.releasedAt));
    st, bind(Poco::Int64(id));
    for (const auto& f : from) st, bind(f);
    return st.execute() == 1;
  });
}

common::Result<std::vector<int64_t>> MessageRepository::dueForAutoRelease(int64_t nowMillis, int limit) {
  return db_->attempt("finding auto-releases", [&](Poco::Data::Session& s) {
    Statement st(s);
    st << "SELECT id FROM messages WHERE status = 'held' AND auto_release_at > 0 AND auto_release_at <= ? "
          "ORDER BY auto_release_at LIMIT ?",
        bind(Poco::Int64(nowMillis)), bind(limit);
    return ids(st);
  });
}

common::Result<std::vector<int64_t>> MessageRepository::dueForRelay(int64_t nowMillis, int limit) {
  return db_->attempt("finding queued mail", [&](Poco::Data::Session& s) {
    Statement st(s);
    st << "SELECT id FROM messages WHERE status = 'queued' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?",
        bind(Poco::Int64(nowMillis)), bind(limit);
    return ids(st);
  });
}

common::Result<std::vector<int64_t>> MessageRepository::withStatus(const std::string& status, int limit) {
  return db_->attempt("finding messages by status", [&](Poco::Data::Session& s) {
    Statement st(s);
    st << "SELECT id FROM messages WHERE status = ? ORDER BY id LIMIT ?", bind(status), bind(limit);
    return ids(st);
  });
}

common::Result<std::map<std::string, int64_t>> MessageRepository::countByStatus() {
  return db_->attempt("counting messages", [&](Poco::Data::Session& s) {
    Statement st(s);
    st << "SELECT status, COUNT(*) FROM messages GROUP BY status";
    st.execute();
    RecordSet rs(st);
    std::map<std::string, int64_t> out;
    for (size_t r = 0; r < rs.rowCount(); ++r) out[str(rs, 0, r)] = i64(rs, 1, r);
    return out;
  });
}

common::Result<int64_t> MessageRepository::oldestReceivedAt(const std::string& status) {
  return db_->attempt("finding the oldest message", [&](Poco::Data::Session& s) {
    Poco::Int64 at = 0;
    s << "SELECT COALESCE(MIN(received_at), 0) FROM messages WHERE status = ?", bind(status), into(at), now;
    return static_cast<int64_t>(at);
  });
}

common::Result<std::optional<MessageRecord>> MessageRepository::findImapOrigin(int64_t accountId, int64_t uidValidity, int64_t uid) {
  return db_->attempt("finding the IMAP origin", [&](Poco::Data::Session& s) -> std::optional<MessageRecord> {
    Statement st(s);
    // account_id is NULL for "no account" (0); spelled out so the (account_id, …) index is used.
    st << std::string("SELECT ") + kColumns + " FROM messages WHERE " +
              (accountId ? "account_id = ?" : "account_id IS NULL AND 0 = ?") +
              " AND imap_uidvalidity = ? AND imap_uid = ? AND source = 'imap' ORDER BY id LIMIT 1",
        bind(Poco::Int64(accountId)), bind(Poco::Int64(uidValidity)), bind(Poco::Int64(uid));
    auto rows = allRows(st);
    if (rows.empty()) return std::nullopt;
    return rows.front();
  });
}

common::Result<bool> MessageRepository::setImapLocation(int64_t id, int64_t folderUidValidity, int64_t folderUid) {
  return db_->attempt("recording the IMAP location", [&](Poco::Data::Session& s) {
    Statement st(s);
    st << "UPDATE messages SET imap_folder_uidvalidity = ?, imap_folder_uid = ?, updated_at = ? WHERE id = ?",
        bind(Poco::Int64(folderUidValidity)), bind(Poco::Int64(folderUid)), bind(Poco::Int64(nowMs())),
        bind(Poco::Int64(id));
    return st.execute() == 1;
  });
}

common::Status MessageRepository::setImapLocations(int64_t folderUidValidity,
                                                   const std::vector<std::pair<int64_t, int64_t>>& idAndUid) {
  if (idAndUid.empty()) return common::Status::success();
  const int64_t at = nowMs();
  return db_->attemptVoid("recording IMAP locations", [&](Poco::Data::Session&) {
    db_->transaction([&](Poco::Data::Session& s) {
      for (const auto& [id, uid] : idAndUid) {
        Statement st(s);
        st << "UPDATE messages SET imap_folder_uidvalidity = ?, imap_folder_uid = ?, updated_at = ? WHERE id = ?",
            bind(Poco::Int64(folderUidValidity)), bind(Poco::Int64(uid)), bind(Poco::Int64(at)), bind(Poco::Int64(id));
        st.execute();
      }
    });
  });
}

common::Result<std::vector<MessageRecord>> MessageRepository::imapUnplaced(int64_t accountId, int limit) {
  return db_->attempt("finding unplaced IMAP mail", [&](Poco::Data::Session& s) {
    Statement st(s);
    st << std::string("SELECT ") + kColumns +
              " FROM messages WHERE source = 'imap' AND " + (accountId ? "account_id = ?" : "account_id IS NULL AND 0 = ?") +
              " AND imap_folder_uid = 0"
              " AND status IN ('held','release_failed') ORDER BY id LIMIT ?",
        bind(Poco::Int64(accountId)), bind(limit);
    return allRows(st);
  });
}

common::Result<bool> MessageRepository::existsWithHash(const std::string& contentHash) {
  return db_->attempt("looking up a content hash", [&](Poco::Data::Session& s) {
    int n = 0;
    s << "SELECT COUNT(*) FROM messages WHERE content_hash = ?", bind(contentHash), into(n), now;
    return n > 0;
  });
}

common::Result<std::set<std::string>> MessageRepository::allSpoolNames() {
  return db_->attempt("listing spool names", [&](Poco::Data::Session& s) {
    Statement st(s);
    st << "SELECT spool_name FROM messages UNION SELECT spool_name FROM message_versions";
    st.execute();
    RecordSet rs(st);
    std::set<std::string> out;
    for (size_t r = 0; r < rs.rowCount(); ++r) out.insert(str(rs, 0, r));
    return out;
  });
}

common::Result<int> MessageRepository::addVersion(int64_t emailId, const MessageVersion& v, const std::string& newSubject) {
  return db_->attempt("storing the edited version", [&](Poco::Data::Session&) {
    int version = 0;
    db_->transaction([&](Poco::Data::Session& s) {
      // Edits race with releases: the status is checked inside the same write transaction
      // that stores the version, so a message already being released is never edited.
      std::string current;
      s << "SELECT status FROM messages WHERE id = ?", bind(Poco::Int64(emailId)), into(current), now;
      if (current != status::kHeld && current != status::kReleaseFailed) return;
      s << "SELECT COALESCE(MAX(version), 0) + 1 FROM message_versions WHERE email_id = ?", bind(Poco::Int64(emailId)),
          into(version), now;
      s << "INSERT INTO message_versions (email_id, version, spool_name, content_hash, size, created_at, created_by) "
           "VALUES (?, ?, ?, ?, ?, ?, ?)",
          bind(Poco::Int64(emailId)), bind(version), bind(v.spoolName), bind(v.contentHash), bind(Poco::Int64(v.size)),
          bind(Poco::Int64(v.createdAt)), bind(v.createdBy), now;
      s << "UPDATE messages SET current_version = ?, subject = ?, updated_at = ? WHERE id = ?", bind(version),
          bind(newSubject), bind(Poco::Int64(nowMs())), bind(Poco::Int64(emailId)), now;
    });
    return version;
  });
}

common::Result<std::vector<MessageVersion>> MessageRepository::versions(int64_t emailId) {
  return db_->attempt("reading versions", [&](Poco::Data::Session& s) {
    Statement st(s);
    st << "SELECT email_id, version, spool_name, content_hash, size, created_at, created_by FROM message_versions "
          "WHERE email_id = ? ORDER BY version",
        bind(Poco::Int64(emailId));
    st.execute();
    RecordSet rs(st);
    std::vector<MessageVersion> out;
    for (size_t r = 0; r < rs.rowCount(); ++r) {
      out.push_back({i64(rs, 0, r), static_cast<int>(i64(rs, 1, r)), str(rs, 2, r), str(rs, 3, r), i64(rs, 4, r),
                     i64(rs, 5, r), str(rs, 6, r)});
    }
    return out;
  });
}

common::Status MessageRepository::recordRelayAttempt(int64_t emailId, const std::string& upstream, int64_t at, bool ok,
                                                     const std::string& reply) {
  return db_->attemptVoid("recording the relay attempt", [&](Poco::Data::Session& s) {
    s << "INSERT INTO relays (email_id, upstream, at, ok, reply) VALUES (?, ?, ?, ?, ?)", bind(Poco::Int64(emailId)),
        bind(upstream), bind(Poco::Int64(at)), bind(int(ok ? 1 : 0)), bind(reply), now;
  });
}

}  // namespace mg::store
