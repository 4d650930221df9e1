#pragma once
// The daemon's data directory: created 0700, locked against a second mailgated (and
// against offline mailgatectl commands) with flock on mailgated.lock.
#include <string>

#include "common/Status.h"

namespace mg::app {

class DataDirLock {
 public:
  DataDirLock() = default;
  ~DataDirLock();
  DataDirLock(const DataDirLock&) = delete;
  DataDirLock& operator=(const DataDirLock&) = delete;
  // Creates the directory if needed and takes the lock without waiting.
  common::Status acquire(const std::string& dataDir);

 private:
  int fd_ = -1;
};

// Writes `content` to `path` with mode 0600, atomically (temp + fsync + rename).
common::Status writePrivateFile(const std::string& path, const std::string& content);

}  // namespace mg::app
