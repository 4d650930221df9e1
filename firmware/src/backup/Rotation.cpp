#include "backup/Rotation.h"

#include <algorithm>

namespace mg::backup {

std::vector<BackupFile> selectForDeletion(std::vector<BackupFile> files, unsigned keep, uint64_t maxTotalBytes) {
  std::sort(files.begin(), files.end(), [](const BackupFile& a, const BackupFile& b) {
    return a.createdAt != b.createdAt ? a.createdAt > b.createdAt : a.name > b.name;
  });
  std::vector<BackupFile> out;
  uint64_t total = 0;
  unsigned kept = 0;
  bool full = false;  // once one does not fit, every older one goes too: rotation keeps the newest
  for (size_t i = 0; i < files.size(); ++i) {
    const bool fits = kept < std::max(keep, 1u) && total + files[i].size <= maxTotalBytes;
    if (i == 0 || (!full && fits)) {
      total += files[i].size;
      ++kept;
    } else {
      full = true;
      out.push_back(files[i]);
    }
  }
  return out;
}

}  // namespace mg::backup
