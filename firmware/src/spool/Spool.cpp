#include "spool/Spool.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/Metrics.h"
#include "common/Text.h"

namespace fs = std::filesystem;

namespace mg::spool {
namespace {

constexpr std::string_view kMagic = "MGSPOOL 1\n";
constexpr const char* kSuffix = ".msg";

std::string errnoText(const std::string& what) { return what + ": " + std::strerror(errno); }

common::Status fsyncPath(const std::string& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return common::Status::error(errnoText("open " + path));
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return common::Status::error(errnoText("fsync " + path));
  return common::Status::success();
}

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

bool validAddress(const std::string& a) { return a.find_first_of("\r\n") == std::string::npos; }

}  // namespace

Spool::Spool(std::string dir) : dir_(std::move(dir)) {}

common::Status Spool::init() {
  std::error_code ec;
  fs::create_directories(fs::path(dir_) / "tmp", ec);
  if (ec) return common::Status::error("spool " + dir_ + ": " + ec.message());
  ::chmod(dir_.c_str(), 0700);
  for (const auto& e : fs::directory_iterator(fs::path(dir_) / "tmp", ec)) {
    // A temp file was never renamed: its client never got 250, so it is not ours to keep.
    fs::remove(e.path(), ec);
  }
  return common::Status::success();
}

std::string Spool::encode(const SpoolEnvelope& envelope, std::string_view raw) {
  std::string out(kMagic);
  out += "from " + envelope.mailFrom + "\n";
  for (const auto& r : envelope.rcptTo) out += "rcpt " + r + "\n";
  out += "\n";
  out.append(raw);
  return out;
}

common::Result<SpoolFile> Spool::decode(std::string_view bytes) {
  if (bytes.substr(0, kMagic.size()) != kMagic) return common::Result<SpoolFile>::error("not a spool file (bad magic)");
  // Exactly what encode() writes: one "from" line first, then "rcpt" lines, then a blank
  // line. Anything else is refused rather than guessed at, so a file is read back only if
  // it says precisely one thing.
  SpoolFile f;
  size_t pos = kMagic.size();
  bool sawFrom = false;
  while (true) {
    const size_t nl = bytes.find('\n', pos);
    if (nl == std::string_view::npos) return common::Result<SpoolFile>::error("truncated spool header");
    const std::string_view line = bytes.substr(pos, nl - pos);
    pos = nl + 1;
    if (line.empty()) break;
    if (line.substr(0, 5) == "from " && !sawFrom) {
      f.envelope.mailFrom = std::string(line.substr(5));
      sawFrom = true;
    } else if (line.substr(0, 5) == "rcpt " && sawFrom) {
      f.envelope.rcptTo.emplace_back(line.substr(5));
    } else {
      return common::Result<SpoolFile>::error("unexpected spool header line '" + common::sanitize(line, 40) + "'");
    }
  }
  if (!sawFrom) return common::Result<SpoolFile>::error("spool header has no sender line");
  f.raw = std::string(bytes.substr(pos));
  return f;
}

common::Result<WrittenEntry> Spool::write(const SpoolEnvelope& envelope, std::string_view raw,
                                          const std::string& nameHint) {
  if (!validAddress(envelope.mailFrom)) return common::Result<WrittenEntry>::error("line break in envelope sender");
  for (const auto& r : envelope.rcptTo) {
    if (!validAddress(r)) return common::Result<WrittenEntry>::error("line break in envelope recipient");
  }
  WrittenEntry entry;
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch()).count();
  entry.name = (nameHint.empty() ? std::to_string(ms) + "-" + common::randomHex(6) : nameHint) + kSuffix;
  entry.contentHash = common::sha256Hex(raw);
  entry.size = raw.size();

  const std::string tmpPath = dir_ + "/tmp/" + entry.name;
  const std::string finalPath = dir_ + "/" + entry.name;
  const std::string bytes = encode(envelope, raw);
  const int fd = ::open(tmpPath.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return common::Result<WrittenEntry>::error(errnoText("create " + tmpPath));
  common::Status st = writeAll(fd, bytes, tmpPath);
  if (st.ok() && ::fsync(fd) != 0) st = common::Status::error(errnoText("fsync " + tmpPath));
  ::close(fd);
  if (st.ok() && ::rename(tmpPath.c_str(), finalPath.c_str()) != 0) {
    st = common::Status::error(errnoText("rename " + tmpPath));
  }
  if (!st.ok()) {
    ::unlink(tmpPath.c_str());
    return st;
  }
  // The rename is durable only once the directory entry is.
  if (auto dirSt = fsyncPath(dir_, O_RDONLY | O_DIRECTORY); !dirSt.ok()) return dirSt;
  bytesWritten_ += bytes.size();
  common::Metrics::global().increment("mailgate_storage_bytes_written_total", {}, static_cast<double>(bytes.size()));
  return entry;
}

common::Result<SpoolFile> Spool::read(const std::string& name) const {
  if (name.find('/') != std::string::npos) return common::Result<SpoolFile>::error("bad spool name");
  std::ifstream in(dir_ + "/" + name, std::ios::binary);
  if (!in) return common::Result<SpoolFile>::error("spool file " + name + " is missing");
  std::ostringstream ss;
  ss << in.rdbuf();
  return decode(ss.str()).withContext("spool file " + name);
}

common::Result<std::string> Spool::readRaw(const std::string& name) const {
  auto f = read(name);
  if (!f) return f.status();
  return std::move(f.value().raw);
}

common::Status Spool::remove(const std::string& name) {
  if (name.find('/') != std::string::npos) return common::Status::error("bad spool name");
  std::error_code ec;
  fs::remove(fs::path(dir_) / name, ec);
  clearParsing(name);
  if (ec) return common::Status::error("remove spool file " + name + ": " + ec.message());
  return common::Status::success();
}

namespace {
constexpr const char* kParsingSuffix = ".parsing";
}

void Spool::markParsing(const std::string& name) {
  if (name.find('/') != std::string::npos) return;
  std::ofstream(fs::path(dir_) / (name + kParsingSuffix)).put('\n');
}

void Spool::clearParsing(const std::string& name) {
  if (name.find('/') != std::string::npos) return;
  std::error_code ec;
  fs::remove(fs::path(dir_) / (name + kParsingSuffix), ec);
}

bool Spool::wasBeingParsed(const std::string& name) const {
  std::error_code ec;
  return name.find('/') == std::string::npos && fs::exists(fs::path(dir_) / (name + kParsingSuffix), ec);
}

std::vector<std::string> Spool::list() const {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir_, ec)) {
    const std::string n = e.path().filename().string();
    if (e.is_regular_file() && n.size() > 4 && n.compare(n.size() - 4, 4, kSuffix) == 0) out.push_back(n);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace mg::spool
