#pragma once
// What the release/discard port and the probe need from the watcher pool: an account's
// settings (no password) and its connection pool. An interface so that tests can wire the
// port without the account service.
#include <cstdint>
#include <memory>
#include <optional>

#include "watcher/ConnectionPool.h"
#include "watcher/MailboxScanner.h"

namespace mg::watcher {

class ConnectionSource {
 public:
  virtual ~ConnectionSource() = default;
  virtual std::optional<WatchedAccount> accountFor(int64_t accountId) = 0;
  // nullptr when the account does not exist.
  virtual std::shared_ptr<ConnectionPool> poolFor(int64_t accountId) = 0;
};

}  // namespace mg::watcher
