#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

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

class PosixFileSystem final : public FileSystem {
 public:
  common::Status createFile(const std::string& path, std::string_view data, bool sync) override {
    return write(path, data, {}, sync, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC);
  }
  common::Status createFile(const std::string& path, std::string_view head, std::string_view body, bool sync) override {
    return write(path, head, body, sync, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC);
  }
  common::Status replaceFile(const std::string& path, std::string_view data, bool sync) override {
    return write(path, data, {}, sync, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC);
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
    std::ifstream in(path, std::ios::binary);
    if (!in) return common::Result<std::string>::error(errnoText("open " + path));
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
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
  static common::Status write(const std::string& path, std::string_view data, std::string_view more, bool sync,
                              int flags) {
    const int fd = ::open(path.c_str(), flags, 0600);
    if (fd < 0) return common::Status::error(errnoText("create " + path));
    common::Status st = writeAll(fd, data, path);
    if (st.ok()) st = writeAll(fd, more, path);
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
