#include "store/WatcherStateRepository.h"

#include <Poco/Data/Statement.h>

#include "store/Rows.h"

using namespace Poco::Data::Keywords;
using Poco::Data::RecordSet;
using Poco::Data::Statement;

namespace mg::store {

common::Result<std::optional<WatcherState>> WatcherStateRepository::get(int64_t accountId) {
  return db_->attempt("reading the watcher position", [&](Poco::Data::Session& s) -> std::optional<WatcherState> {
    Statement st(s);
    st << "SELECT account_id, uidvalidity, last_uid, updated_at, floor_at, floor_until_uid, take_existing "
          "FROM watcher_state WHERE account_id = ?",
        bind(Poco::Int64(accountId));
    st.execute();
    RecordSet rs(st);
    if (rs.rowCount() == 0) return std::nullopt;
    return WatcherState{detail::i64(rs, 0, 0), detail::i64(rs, 1, 0), detail::i64(rs, 2, 0), detail::i64(rs, 3, 0),
                        detail::i64(rs, 4, 0), detail::i64(rs, 5, 0), detail::i64(rs, 6, 0) != 0};
  });
}

common::Result<bool> WatcherStateRepository::set(int64_t accountId, int64_t uidValidity, int64_t lastUid, int64_t atMillis,
                                 int64_t floorAt, int64_t floorUntilUid) {
  return db_->attempt("saving the watcher position", [&](Poco::Data::Session& s) {
    // INSERT … SELECT so that a deleted account writes nothing instead of failing the
    // foreign key with an exception in the watcher's loop.
    Statement st(s);
    st << "INSERT INTO watcher_state (account_id, uidvalidity, last_uid, updated_at, floor_at, floor_until_uid, "
          "take_existing) SELECT id, ?, ?, ?, ?, ?, 0 FROM accounts WHERE id = ? "
          "ON CONFLICT (account_id) DO UPDATE SET uidvalidity = excluded.uidvalidity, last_uid = excluded.last_uid, "
          "updated_at = excluded.updated_at, floor_at = excluded.floor_at, floor_until_uid = excluded.floor_until_uid, "
          "take_existing = 0",
        bind(Poco::Int64(uidValidity)), bind(Poco::Int64(lastUid)), bind(Poco::Int64(atMillis)),
        bind(Poco::Int64(floorAt)), bind(Poco::Int64(floorUntilUid)), bind(Poco::Int64(accountId));
    return st.execute() == 1;
  });
}

common::Result<bool> WatcherStateRepository::touch(int64_t accountId, int64_t atMillis) {
  return db_->attempt("keeping the watcher heartbeat", [&](Poco::Data::Session& s) {
    Statement st(s);
    st << "UPDATE watcher_state SET updated_at = ? WHERE account_id = ?", bind(Poco::Int64(atMillis)),
        bind(Poco::Int64(accountId));
    return st.execute() == 1;
  });
}

common::Result<bool> WatcherStateRepository::requestTakeExisting(int64_t accountId, int64_t atMillis) {
  return db_->attempt("asking to take existing mail", [&](Poco::Data::Session& s) {
    Statement st(s);
    st << "INSERT INTO watcher_state (account_id, uidvalidity, last_uid, updated_at, floor_at, floor_until_uid, "
          "take_existing) SELECT id, 0, 0, ?, 0, 0, 1 FROM accounts WHERE id = ? "
          "ON CONFLICT (account_id) DO UPDATE SET take_existing = 1, updated_at = excluded.updated_at",
        bind(Poco::Int64(atMillis)), bind(Poco::Int64(accountId));
    return st.execute() == 1;
  });
}

common::Result<bool> WatcherStateRepository::clear(int64_t accountId) {
  return db_->attempt("clearing the watcher position", [&](Poco::Data::Session& s) {
    Statement st(s);
    st << "DELETE FROM watcher_state WHERE account_id = ?", bind(Poco::Int64(accountId));
    return st.execute() == 1;
  });
}

}  // namespace mg::store
