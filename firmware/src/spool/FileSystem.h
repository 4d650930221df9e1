#pragma once
// The file system as the spool needs it (DESIGN §2: the OS behind an interface). The real one
// is POSIX; tests put a fault-injecting one behind the spool that remembers which bytes were
// made durable (fsync of the file, of its directory) and can "cut the power" to exactly that
// state (tests/faults/, after LevelDB's fault_injection_test).
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/Status.h"

namespace mg::spool {

// A file being written piece by piece (a message as SMTP DATA brings it): nothing of it is
// durable until sync() has returned.
class AppendableFile {
 public:
  virtual ~AppendableFile() = default;
  virtual common::Status append(std::string_view data) = 0;
  virtual common::Status sync() = 0;
  virtual common::Status close() = 0;  // also run by the destructor, its error then unseen
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;
  // Creates `path`, which must not exist, with `data`; with `sync` the content is durable
  // (fsync) before this returns. The directory entry is durable only after syncDir.
  virtual common::Status createFile(const std::string& path, std::string_view data, bool sync) = 0;
  // Creates `path`, which must not exist, for appending.
  virtual common::Result<std::unique_ptr<AppendableFile>> createAppendable(const std::string& path) = 0;
  // Replaces `path` (creating it if needed), the same way.
  virtual common::Status replaceFile(const std::string& path, std::string_view data, bool sync) = 0;
  virtual common::Status rename(const std::string& from, const std::string& to) = 0;
  virtual common::Status syncDir(const std::string& dir) = 0;
  virtual common::Status remove(const std::string& path) = 0;  // success when it was not there
  virtual common::Result<std::string> readFile(const std::string& path) const = 0;
  // At most the first `maxBytes` of the file (a spool header without its 25 MB message).
  virtual common::Result<std::string> readPrefix(const std::string& path, size_t maxBytes) const = 0;
  virtual bool isFile(const std::string& path) const = 0;
  virtual std::vector<std::string> listFiles(const std::string& dir) const = 0;  // names, unsorted

  static std::shared_ptr<FileSystem> posix();
};

}  // namespace mg::spool
