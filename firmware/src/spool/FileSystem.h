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

class FileSystem {
 public:
  virtual ~FileSystem() = default;
  // Creates `path`, which must not exist, with `data`; with `sync` the content is durable
  // (fsync) before this returns. The directory entry is durable only after syncDir.
  virtual common::Status createFile(const std::string& path, std::string_view data, bool sync) = 0;
  // The same with the content in two pieces (a spool header and the message), so that a
  // 25 MB message is not copied once more only to put a few lines in front of it.
  virtual common::Status createFile(const std::string& path, std::string_view head, std::string_view body, bool sync) = 0;
  // Replaces `path` (creating it if needed), the same way.
  virtual common::Status replaceFile(const std::string& path, std::string_view data, bool sync) = 0;
  virtual common::Status rename(const std::string& from, const std::string& to) = 0;
  virtual common::Status syncDir(const std::string& dir) = 0;
  virtual common::Status remove(const std::string& path) = 0;  // success when it was not there
  virtual common::Result<std::string> readFile(const std::string& path) const = 0;
  virtual bool isFile(const std::string& path) const = 0;
  virtual std::vector<std::string> listFiles(const std::string& dir) const = 0;  // names, unsorted

  static std::shared_ptr<FileSystem> posix();
};

}  // namespace mg::spool
