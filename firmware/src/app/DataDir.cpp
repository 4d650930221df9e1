#include "app/DataDir.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace mg::app {

DataDirLock::~DataDirLock() {
  if (fd_ >= 0) ::close(fd_);
}

common::Status DataDirLock::acquire(const std::string& dataDir) {
  std::error_code ec;
  std::filesystem::create_directories(dataDir, ec);
  if (ec) return common::Status::error("storage.data_dir " + dataDir + ": " + ec.message());
  ::chmod(dataDir.c_str(), 0700);
  const std::string path = dataDir + "/mailgated.lock";
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd_ < 0) return common::Status::error("storage.data_dir " + path + ": " + std::strerror(errno));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    return common::Status::error("storage.data_dir " + dataDir +
                                 ": already in use by another mailgated (see 'systemctl status mailgated')");
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd_, 0) == 0) (void)!::write(fd_, pid.data(), pid.size());
  return common::Status::success();
}

common::Status writePrivateFile(const std::string& path, const std::string& content) {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return common::Status::error(path + ": " + std::strerror(errno));
  ::fchmod(fd, 0600);
  const bool ok = ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return common::Status::error(path + ": cannot write");
  }
  return common::Status::success();
}

}  // namespace mg::app
