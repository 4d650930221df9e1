#include "ctl/DataDirLock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace mg::ctl {

DataDirLock::DataDirLock(State state, int fd, std::string path, std::string error)
    : state_(state), fd_(fd), path_(std::move(path)), error_(std::move(error)) {}

DataDirLock::DataDirLock(DataDirLock&& other) noexcept
    : state_(other.state_), fd_(other.fd_), path_(std::move(other.path_)), error_(std::move(other.error_)) {
  other.fd_ = -1;
  other.state_ = State::Failed;
}

DataDirLock& DataDirLock::operator=(DataDirLock&& other) noexcept {
  if (this != &other) {
    release();
    state_ = other.state_;
    fd_ = other.fd_;
    path_ = std::move(other.path_);
    error_ = std::move(other.error_);
    other.fd_ = -1;
    other.state_ = State::Failed;
  }
  return *this;
}

DataDirLock::~DataDirLock() { release(); }

void DataDirLock::release() {
  // Closing the descriptor drops the flock; the file stays, as the daemon leaves it.
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

DataDirLock DataDirLock::tryAcquire(const std::string& dataDir) {
  const std::string path = dataDir + "/" + kFileName;
  struct stat st {};
  if (::stat(dataDir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return DataDirLock(State::Failed, -1, path,
                       "data dir " + dataDir + " does not exist — check storage.data_dir in the config (--config)");
  }
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    const int err = errno;
    std::string hint = err == EACCES || err == EPERM || err == EROFS
                           ? " — run as root or as the user mailgated runs as"
                           : " — check the data dir";
    return DataDirLock(State::Failed, -1, path, "cannot open " + path + " (" + std::strerror(err) + ")" + hint);
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK) {
      return DataDirLock(State::Busy, -1, path,
                         "mailgated is running (it holds " + path +
                             ") — stop it first with 'systemctl stop mailgated', or let this command use its API");
    }
    return DataDirLock(State::Failed, -1, path, "cannot lock " + path + " (" + std::strerror(err) + ")");
  }
  return DataDirLock(State::Acquired, fd, path, "");
}

}  // namespace mg::ctl
