#pragma once
// Which backups rotation deletes (CONTRACT §2 [backup] keep, max_total_bytes): newest first,
// a backup is kept while the kept ones number fewer than `keep` and fit in `maxTotalBytes`
// together. The newest is always kept, even alone over the budget: the last good backup is
// never deleted.
#include <cstdint>
#include <string>
#include <vector>

namespace mg::backup {

struct BackupFile {
  std::string name;
  std::string path;
  uint64_t size = 0;
  int64_t createdAt = 0;  // ms since the epoch
};

// The files to delete; `files` in any order.
std::vector<BackupFile> selectForDeletion(std::vector<BackupFile> files, unsigned keep, uint64_t maxTotalBytes);

}  // namespace mg::backup
