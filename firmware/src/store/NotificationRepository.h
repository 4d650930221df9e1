#pragma once
#include <memory>
#include <string>
#include <vector>

#include "store/Database.h"

namespace mg::store {

struct Notification {
  int64_t id = 0;
  std::string type;      // bounce, reject, relay_failed, release_failed, watcher_offline, backup_failed, disk_low …
  std::string severity;  // critical | warning | info
  std::string message;
  int64_t emailId = 0;
  int64_t createdAt = 0;
  bool acknowledged = false;
};

class NotificationRepository {
 public:
  explicit NotificationRepository(std::shared_ptr<Database> db) : db_(std::move(db)) {}
  common::Result<int64_t> add(const Notification& n);  // the new id
  common::Result<std::vector<Notification>> list(bool unackedOnly, int limit);
  common::Result<bool> acknowledge(int64_t id);

 private:
  std::shared_ptr<Database> db_;
};

}  // namespace mg::store
