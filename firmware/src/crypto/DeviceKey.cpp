#include "crypto/DeviceKey.h"

#include "crypto/AtomicFile.h"
#include "crypto/Random.h"

#include <mbedtls/platform_util.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace mg::crypto {

namespace {

constexpr mode_t kKeyMode = 0600;

common::Status readExactly(int fd, unsigned char* out, size_t size) {
  size_t done = 0;
  while (done < size) {
    const ssize_t n = ::read(fd, out + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return common::Status::error(std::strerror(errno));
    if (n == 0) return common::Status::error("file shrank while reading");
    done += static_cast<size_t>(n);
  }
  return common::Status::success();
}

}  // namespace

DeviceKey::~DeviceKey() { mbedtls_platform_zeroize(bytes_.data(), bytes_.size()); }

common::Result<DeviceKey> DeviceKey::fromBytes(std::string_view raw) {
  if (raw.size() != kSize) {
    return common::Result<DeviceKey>::error("device key must be " + std::to_string(kSize) + " bytes, got " +
                                            std::to_string(raw.size()));
  }
  DeviceKey key;
  std::memcpy(key.bytes_.data(), raw.data(), kSize);
  return key;
}

common::Result<DeviceKey> DeviceKey::load(const std::filesystem::path& file) {
  using R = common::Result<DeviceKey>;
  const std::string name = file.string();
  // O_NOFOLLOW: a symlink planted in the data dir must not redirect us to another file.
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno == ELOOP) return R::error(name + ": is a symbolic link; the device key must be a regular file");
    return R::error(name + ": " + std::strerror(errno));
  }
  struct stat st {};
  DeviceKey key;
  common::Status status = common::Status::success();
  if (::fstat(fd, &st) != 0) {
    status = common::Status::error(name + ": " + std::strerror(errno));
  } else if (!S_ISREG(st.st_mode)) {
    status = common::Status::error(name + ": not a regular file");
  } else if ((st.st_mode & 077) != 0) {
    status = common::Status::error(name + ": " + detail::modeText(st.st_mode) +
                                   " lets group/others read the device key; fix with: chmod 600 " + name);
  } else if (st.st_size != static_cast<off_t>(kSize)) {
    status = common::Status::error(name + ": has " + std::to_string(st.st_size) + " bytes, expected " +
                                   std::to_string(kSize) +
                                   "; restore it from a backup (removing it makes a new key, and every stored "
                                   "account and relay password must then be entered again)");
  } else if (auto rd = readExactly(fd, key.bytes_.data(), kSize); !rd) {
    status = common::Status::error(name + ": " + rd.message());
  }
  ::close(fd);
  if (!status) return status;
  return key;
}

common::Result<DeviceKey> DeviceKey::loadOrCreate(const std::filesystem::path& dataDir) {
  using R = common::Result<DeviceKey>;
  const std::filesystem::path file = dataDir / kFileName;
  struct stat st {};
  if (::lstat(file.c_str(), &st) == 0) return load(file);
  if (errno != ENOENT) return R::error(file.string() + ": " + std::strerror(errno));

  std::error_code ec;
  const bool created = std::filesystem::create_directories(dataDir, ec);
  if (ec) return R::error("create data dir " + dataDir.string() + ": " + ec.message());
  // A new data dir's own entry must survive a power cut too, or the key vanishes with it.
  if (created) {
    if (auto synced = detail::syncParentDirectory(dataDir); !synced) return synced;
  }

  DeviceKey key;
  try {
    Random::instance().fill(key.bytes_.data(), kSize);
  } catch (const std::exception& e) {
    return R::error("creating " + file.string() + ": " + e.what());
  }
  const std::string_view raw(reinterpret_cast<const char*>(key.bytes_.data()), kSize);
  auto written = detail::writeFileAtomically(file, raw, kKeyMode, detail::WriteMode::createOnly);
  if (!written) return written.status().withContext("creating device key");
  // Another process won the race to create it: use its key, never overwrite it.
  if (*written == detail::WriteOutcome::alreadyExisted) return load(file);
  return key;
}

}  // namespace mg::crypto
