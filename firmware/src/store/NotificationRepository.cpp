#include "store/NotificationRepository.h"

#include <Poco/Data/Statement.h>

#include "store/Rows.h"

using namespace Poco::Data::Keywords;
using Poco::Data::RecordSet;
using Poco::Data::Statement;

namespace mg::store {

common::Result<int64_t> NotificationRepository::add(const Notification& n) {
  return db_->attempt("recording the notification", [&](Poco::Data::Session& s) {
    s << "INSERT INTO notifications (type, severity, message, email_id, created_at) VALUES (?, ?, ?, NULLIF(?,0), ?)",
        bind(n.type), bind(n.severity), bind(n.message), bind(Poco::Int64(n.emailId)), bind(Poco::Int64(n.createdAt)),
        now;
    return db_->lastInsertId(s);
  });
}

common::Result<std::vector<Notification>> NotificationRepository::list(bool unackedOnly, int limit) {
  return db_->attempt("listing notifications", [&](Poco::Data::Session& s) {
    Statement st(s);
    st << "SELECT id, type, severity, message, email_id, created_at, acknowledged FROM notifications "
          "WHERE (? = 0 OR acknowledged = 0) ORDER BY id DESC LIMIT ?",
        bind(int(unackedOnly ? 1 : 0)), bind(limit);
    st.execute();
    RecordSet rs(st);
    std::vector<Notification> out;
    for (size_t r = 0; r < rs.rowCount(); ++r) {
      out.push_back({detail::i64(rs, 0, r), detail::str(rs, 1, r), detail::str(rs, 2, r), detail::str(rs, 3, r),
                     detail::i64(rs, 4, r), detail::i64(rs, 5, r), detail::i64(rs, 6, r) != 0});
    }
    return out;
  });
}

common::Result<bool> NotificationRepository::acknowledge(int64_t id) {
  return db_->attempt("acknowledging the notification", [&](Poco::Data::Session& s) {
    Statement st(s);
    st << "UPDATE notifications SET acknowledged = 1 WHERE id = ?", bind(Poco::Int64(id));
    return st.execute() == 1;
  });
}

}  // namespace mg::store
