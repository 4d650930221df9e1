#pragma once
// Read-only looks at a database file that is not the daemon's open one: a backup's copy
// (made by VACUUM INTO), a file about to be migrated, a file being restored. Each call opens
// its own connection and closes it again; none of them migrates or writes.
#include <cstdint>
#include <set>
#include <string>

#include "common/Status.h"

namespace mg::store {

struct SnapshotCounts {
  int64_t messages = 0;
  int64_t open = 0;  // not yet released, discarded or relayed: their bytes are in a backup
  int64_t held = 0;
};

// PRAGMA integrity_check: success only for "ok".
common::Status snapshotIntegrity(const std::string& path);
common::Result<int> snapshotSchemaVersion(const std::string& path);
// The spool files of open messages (every version): what a backup must carry.
common::Result<std::set<std::string>> snapshotOpenSpoolNames(const std::string& path);
// Every spool name the file knows (any status): what a restore must not call an orphan.
common::Result<std::set<std::string>> snapshotAllSpoolNames(const std::string& path);
common::Result<SnapshotCounts> snapshotCounts(const std::string& path);
// A consistent copy of the file at `source` to `target` (VACUUM INTO), for the backup made
// before a migration, while no one has the database open yet.
common::Status snapshotCopy(const std::string& source, const std::string& target);

}  // namespace mg::store
