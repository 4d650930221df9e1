#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <limits>

#include "spool/FileSystem.h"

namespace fs = std::filesystem;

namespace mg::spool {
namespace {

std::string errnoText(const std::string& what) { return what + ": " + std::strerror(errno); }

common::Status writeAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return common::Status::error(errnoText("write " + path));
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return common::Status::success();
}

class PosixAppendableFile final : public AppendableFile {
 public:
  PosixAppendableFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~PosixAppendableFile() override { (void)close(); }
  common::Status append(std::string_view data) override {
    if (fd_ < 0) return common::Status::error("write " + path_ + ": file is closed");
    return writeAll(fd_, data, path_);
  }
  common::Status sync() override {
    if (fd_ < 0 || ::fsync(fd_) != 0) return common::Status::error(errnoText("fsync " + path_));
    return common::Status::success();
  }
  common::Status close() override {
    if (fd_ < 0) return common::Status::success();
    const int rc = ::close(fd_);
    fd_ = -1;
    if (rc != 0) return common::Status::error(errnoText("close " + path_));
    return common::Status::success();
  }

 private:
  int fd_;
  std::string path_;
};

class PosixFileSystem final : public FileSystem {
 public:
  common::Result<std::unique_ptr<AppendableFile>> createAppendable(const std::string& path) override {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return common::Result<std::unique_ptr<AppendableFile>>::error(errnoText("create " + path));
    return std::unique_ptr<AppendableFile>(std::make_unique<PosixAppendableFile>(fd, path));
  }
  common::Status createFile(const std::string& path, std::string_view data, bool sync) override {
    return write(path, data, sync, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC);
  }
  common::Status replaceFile(const std::string& path, std::string_view data, bool sync) override {
    return write(path, data, sync, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC);
  }
  common::Status rename(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) return common::Status::error(errnoText("rename " + from));
    return common::Status::success();
  }
  common::Status syncDir(const std::string& dir) override {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return common::Status::error(errnoText("open " + dir));
    const int rc = ::fsync(fd);
    ::close(fd);
    if (rc != 0) return common::Status::error(errnoText("fsync " + dir));
    return common::Status::success();
  }
  common::Status remove(const std::string& path) override {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) return common::Status::error(errnoText("remove " + path));
    return common::Status::success();
  }
  common::Result<std::string> readFile(const std::string& path) const override {
    return read(path, std::numeric_limits<size_t>::max());
  }
  common::Result<std::string> readPrefix(const std::string& path, size_t maxBytes) const override {
    return read(path, maxBytes);
  }
  bool isFile(const std::string& path) const override {
    std::error_code ec;
    return fs::is_regular_file(path, ec);
  }
  std::vector<std::string> listFiles(const std::string& dir) const override {
    std::vector<std::string> out;
    std::error_code ec;
    fs::directory_iterator it(dir, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
      std::error_code e;
      if (it->is_regular_file(e)) out.push_back(it->path().filename().string());
    }
    return out;
  }

 private:
  // Into a string of the file's size, read once: no stream buffer, no second copy.
  static common::Result<std::string> read(const std::string& path, size_t maxBytes) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return common::Result<std::string>::error(errnoText("open " + path));
    struct stat st {};
    std::string out;
    if (::fstat(fd, &st) == 0) out.reserve(std::min(maxBytes, static_cast<size_t>(st.st_size)));
    char buffer[64 * 1024];
    while (out.size() < maxBytes) {
      const ssize_t n = ::read(fd, buffer, std::min(sizeof buffer, maxBytes - out.size()));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        const auto failed = common::Result<std::string>::error(errnoText("read " + path));
        ::close(fd);
        return failed;
      }
      if (n == 0) break;
      out.append(buffer, static_cast<size_t>(n));
    }
    ::close(fd);
    return out;
  }

  static common::Status write(const std::string& path, std::string_view data, bool sync, int flags) {
    const int fd = ::open(path.c_str(), flags, 0600);
    if (fd < 0) return common::Status::error(errnoText("create " + path));
    common::Status st = writeAll(fd, data, path);
    if (st.ok() && sync && ::fsync(fd) != 0) st = common::Status::error(errnoText("fsync " + path));
    if (::close(fd) != 0 && st.ok()) st = common::Status::error(errnoText("close " + path));
    return st;
  }
};

}  // namespace

std::shared_ptr<FileSystem> FileSystem::posix() {
  static const auto instance = std::make_shared<PosixFileSystem>();
  return instance;
}

}  // namespace mg::spool
