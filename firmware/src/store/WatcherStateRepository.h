#pragma once
// Where each account's watcher left off: the mailbox's UIDVALIDITY and the highest UID it has
// taken in. A restart resumes from here; a UIDVALIDITY that changed means the server
// renumbered the mailbox and the saved UID no longer says anything (the watcher decides what
// to do then). The row goes with its account (ON DELETE CASCADE).
#include <cstdint>
#include <memory>
#include <optional>

#include "store/Database.h"

namespace mg::store {

struct WatcherState {
  int64_t accountId = 0;
  int64_t uidValidity = 0;
  int64_t lastUid = 0;
  int64_t updatedAt = 0;  // ms since epoch: the last position saved, or the last heartbeat kept
  // Up to floorUntilUid, only mail with an INTERNALDATE at or after floorAt (ms) is taken; 0: no floor.
  int64_t floorAt = 0;
  int64_t floorUntilUid = 0;
  bool takeExisting = false;  // the next start takes every INBOX message once
};

class WatcherStateRepository {
 public:
  explicit WatcherStateRepository(std::shared_ptr<Database> db) : db_(std::move(db)) {}

  // nullopt: the watcher never saved a position for this account.
  common::Result<std::optional<WatcherState>> get(int64_t accountId);
  // Insert or replace (and so ends a take_existing request). False when the account does not
  // exist (it was deleted meanwhile).
  common::Result<bool> set(int64_t accountId, int64_t uidValidity, int64_t lastUid, int64_t atMillis, int64_t floorAt = 0,
           int64_t floorUntilUid = 0);
  // Keeps the last heartbeat: only updated_at changes.
  common::Result<bool> touch(int64_t accountId, int64_t atMillis);
  // The next start of the account's watcher takes every INBOX message once.
  common::Result<bool> requestTakeExisting(int64_t accountId, int64_t atMillis);
  common::Result<bool> clear(int64_t accountId);

 private:
  std::shared_ptr<Database> db_;
};

}  // namespace mg::store
