#include "FaultFileSystem.h"

#include <filesystem>

namespace mg::test {

namespace fs = std::filesystem;

std::string FaultFileSystem::dirOf(const std::string& path) { return fs::path(path).parent_path().string(); }

bool FaultFileSystem::powerGone() { return failAfter_ >= 0 && ops_++ >= failAfter_; }

void FaultFileSystem::adopt(const std::string& dir) {
  auto& entries = durableDirs_[dir];
  for (const auto& name : real_->listFiles(dir)) {
    const std::string path = dir + "/" + name;
    auto inode = std::make_shared<Inode>();
    inode->durable = real_->readFile(path).value();
    live_[path] = inode;
    entries[path] = inode;
  }
}

common::Status FaultFileSystem::write(const std::string& path, std::string_view data, bool sync, bool create) {
  if (powerGone()) return common::Status::error("power cut (simulated)");
  auto st = create ? real_->createFile(path, data, false) : real_->replaceFile(path, data, false);
  if (!st.ok()) return st;
  auto& inode = live_[path];
  if (!inode || create) inode = std::make_shared<Inode>();
  if (sync) inode->durable = std::string(data);
  durableDirs_[dirOf(path)];  // known directory
  return st;
}

common::Status FaultFileSystem::createFile(const std::string& path, std::string_view data, bool sync) {
  return write(path, data, sync, true);
}

// Keeps what was appended so far (test messages are small) so that sync() can record it.
class FaultFileSystem::Appendable final : public spool::AppendableFile {
 public:
  Appendable(FaultFileSystem& owner, std::string path, std::unique_ptr<spool::AppendableFile> real)
      : owner_(owner), path_(std::move(path)), real_(std::move(real)) {}
  common::Status append(std::string_view data) override {
    if (owner_.powerGone()) return common::Status::error("power cut (simulated)");
    auto st = real_->append(data);
    if (st.ok()) written_.append(data);
    return st;
  }
  common::Status sync() override {
    if (owner_.powerGone()) return common::Status::error("power cut (simulated)");
    // The real fsync is left out, as in write(): what counts is what the model records.
    auto it = owner_.live_.find(path_);
    if (it != owner_.live_.end()) it->second->durable = written_;
    return common::Status::success();
  }
  common::Status close() override { return real_->close(); }

 private:
  FaultFileSystem& owner_;
  std::string path_;  // where the file was created (a sync after a rename is not made here)
  std::unique_ptr<spool::AppendableFile> real_;
  std::string written_;
};

common::Result<std::unique_ptr<spool::AppendableFile>> FaultFileSystem::createAppendable(const std::string& path) {
  using R = common::Result<std::unique_ptr<spool::AppendableFile>>;
  if (powerGone()) return R::error("power cut (simulated)");
  auto real = real_->createAppendable(path);
  if (!real) return real.status();
  live_[path] = std::make_shared<Inode>();
  durableDirs_[dirOf(path)];  // known directory
  return R(std::unique_ptr<spool::AppendableFile>(std::make_unique<Appendable>(*this, path, std::move(real.value()))));
}

common::Status FaultFileSystem::replaceFile(const std::string& path, std::string_view data, bool sync) {
  return write(path, data, sync, false);
}

common::Status FaultFileSystem::rename(const std::string& from, const std::string& to) {
  if (powerGone()) return common::Status::error("power cut (simulated)");
  auto st = real_->rename(from, to);
  if (!st.ok()) return st;
  live_[to] = live_[from];
  live_.erase(from);
  durableDirs_[dirOf(to)];
  return st;
}

common::Status FaultFileSystem::syncDir(const std::string& dir) {
  if (powerGone()) return common::Status::error("power cut (simulated)");
  auto st = real_->syncDir(dir);
  if (!st.ok()) return st;
  auto& entries = durableDirs_[dir];
  entries.clear();
  for (const auto& [path, inode] : live_) {
    if (dirOf(path) == dir) entries[path] = inode;
  }
  return st;
}

common::Status FaultFileSystem::remove(const std::string& path) {
  if (powerGone()) return common::Status::error("power cut (simulated)");
  auto st = real_->remove(path);
  if (st.ok()) live_.erase(path);
  return st;
}

void FaultFileSystem::cutPower() {
  for (const auto& [dir, entries] : durableDirs_) {
    for (const auto& name : real_->listFiles(dir)) (void)real_->remove(dir + "/" + name);
    for (const auto& [path, inode] : entries) {
      // An entry made durable before its content was: an empty file (what ext4 leaves).
      (void)real_->createFile(path, inode->durable.value_or(""), true);
    }
  }
  live_.clear();
  for (const auto& [dir, entries] : durableDirs_) {
    for (const auto& [path, inode] : entries) live_[path] = inode;
  }
  failAfter_ = -1;
}

}  // namespace mg::test
