#pragma once
// A file system that remembers what a power cut would leave (LevelDB's fault_injection_test is
// the model). It works on real files underneath, and keeps beside them:
//  - for each file (an inode, which a rename moves), the content last made durable by fsync;
//  - for each directory, the entries last made durable by fsync of the directory.
// cutPower() rewrites the real directories to exactly that: entries not yet durable vanish,
// removed ones come back, and every file holds only its durable bytes. After `failAfter`
// operations every call fails, as the machine does once the power is gone.
#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "spool/FileSystem.h"

namespace mg::test {

class FaultFileSystem : public spool::FileSystem {
 public:
  explicit FaultFileSystem(std::shared_ptr<spool::FileSystem> real = spool::FileSystem::posix()) : real_(std::move(real)) {}

  // Files already on disk count as durable (the state before the test's first write).
  void adopt(const std::string& dir);
  // From the n-th operation on (counting from 0), every call fails: the power is gone.
  void failAfter(long n) { failAfter_ = n; }
  long operations() const { return ops_; }
  // Counts one operation; true once the power is gone. Shared with FaultVfs, so that the
  // spool and the database lose power at the same moment.
  bool powerGone();
  // The machine comes back: only durable state remains, on the real disk.
  void cutPower();

  common::Status createFile(const std::string& path, std::string_view data, bool sync) override;
  common::Result<std::unique_ptr<spool::AppendableFile>> createAppendable(const std::string& path) override;
  common::Status replaceFile(const std::string& path, std::string_view data, bool sync) override;
  common::Status rename(const std::string& from, const std::string& to) override;
  common::Status syncDir(const std::string& dir) override;
  common::Status remove(const std::string& path) override;
  common::Result<std::string> readFile(const std::string& path) const override { return real_->readFile(path); }
  common::Result<std::string> readPrefix(const std::string& path, size_t maxBytes) const override {
    return real_->readPrefix(path, maxBytes);
  }
  bool isFile(const std::string& path) const override { return real_->isFile(path); }
  std::vector<std::string> listFiles(const std::string& dir) const override { return real_->listFiles(dir); }

 private:
  class Appendable;
  struct Inode {
    std::optional<std::string> durable;  // nullopt: never fsynced
  };
  static std::string dirOf(const std::string& path);
  common::Status write(const std::string& path, std::string_view data, bool sync, bool create);

  std::shared_ptr<spool::FileSystem> real_;
  std::map<std::string, std::shared_ptr<Inode>> live_;                               // path → inode now
  std::map<std::string, std::map<std::string, std::shared_ptr<Inode>>> durableDirs_;  // dir → entries
  std::atomic<long> failAfter_{-1};
  std::atomic<long> ops_{0};  // counted from the spool's thread and from SQLite's callbacks
};

}  // namespace mg::test
