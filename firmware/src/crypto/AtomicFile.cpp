#include "crypto/AtomicFile.h"

#include "crypto/Encoding.h"
#include "crypto/Random.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mg::crypto::detail {

namespace {

std::string errnoText(int error) { return std::strerror(error); }

// Closes on every path out, so an early error return cannot leak the descriptor.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }
  int release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

common::Status writeAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return common::Status::error(errnoText(errno));
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return common::Status::success();
}

// Moves temp to path without ever replacing an existing path. renameat2(RENAME_NOREPLACE)
// where the file system has it; link() + unlink() otherwise (same guarantee, older kernels).
int renameNoReplace(const char* from, const char* to) {
  if (::renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0) return 0;
  if (errno != EINVAL && errno != ENOSYS) return -1;
  if (::link(from, to) != 0) return -1;
  ::unlink(from);
  return 0;
}

}  // namespace

std::string modeText(mode_t mode) {
  char text[16];
  std::snprintf(text, sizeof(text), "%04o", static_cast<unsigned>(mode & 07777));
  return std::string("mode ") + text;
}

common::Status syncDirectory(const std::filesystem::path& dir) {
  FileDescriptor fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return common::Status::error("open directory " + dir.string() + ": " + errnoText(errno));
  if (::fsync(fd.get()) != 0) return common::Status::error("fsync directory " + dir.string() + ": " + errnoText(errno));
  return common::Status::success();
}

common::Status syncParentDirectory(const std::filesystem::path& dir) {
  std::filesystem::path absolute = std::filesystem::absolute(dir).lexically_normal();
  if (!absolute.has_filename()) absolute = absolute.parent_path();  // "a/b/" names b, not b's contents
  return syncDirectory(absolute.parent_path());
}

common::Result<WriteOutcome> writeFileAtomically(const std::filesystem::path& path, std::string_view bytes,
                                                 mode_t mode, WriteMode writeMode) {
  const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  // Random suffix: a crashed earlier attempt's temp file never blocks this one (O_EXCL).
  const std::filesystem::path temp =
      dir / ("." + path.filename().string() + ".tmp-" + hexEncode(Random::instance().bytes(6)));
  // 0600 from the first byte: the key is never visible with a wider mode, even briefly.
  FileDescriptor fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (fd.get() < 0) return common::Status::error("create " + temp.string() + ": " + errnoText(errno));

  auto fail = [&temp](const std::string& what) {
    ::unlink(temp.c_str());
    return common::Result<WriteOutcome>::error(what);
  };
  if (::fchmod(fd.get(), mode) != 0) return fail("chmod " + temp.string() + ": " + errnoText(errno));
  if (auto st = writeAll(fd.get(), bytes); !st) return fail("write " + temp.string() + ": " + st.message());
  if (::fsync(fd.get()) != 0) return fail("fsync " + temp.string() + ": " + errnoText(errno));
  if (::close(fd.release()) != 0) return fail("close " + temp.string() + ": " + errnoText(errno));

  WriteOutcome outcome = WriteOutcome::written;
  if (writeMode == WriteMode::replace) {
    if (::rename(temp.c_str(), path.c_str()) != 0) return fail("rename to " + path.string() + ": " + errnoText(errno));
  } else if (renameNoReplace(temp.c_str(), path.c_str()) != 0) {
    if (errno != EEXIST) return fail("rename to " + path.string() + ": " + errnoText(errno));
    ::unlink(temp.c_str());
    outcome = WriteOutcome::alreadyExisted;
  }
  if (auto st = syncDirectory(dir); !st) return st;
  return outcome;
}

}  // namespace mg::crypto::detail
