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
#include "smtp/Address.h"

namespace fs = std::filesystem;

namespace mg::spool {
namespace {

constexpr std::string_view kMagic = "MGSPOOL 1\n";
constexpr std::string_view kMagicWithOrigin = "MGSPOOL 2\n";
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

// A spool file holds only envelopes the one address parser accepts ("" is the null sender):
// an address cannot break the file's line format, nor later the relay's command line.
bool validSender(const std::string& a) { return smtp::checkEnvelopeAddress(a, true).ok(); }
bool validRecipient(const std::string& a) { return smtp::checkEnvelopeAddress(a, false).ok(); }

bool validSource(std::string_view s) { return s == "smtp" || s == "imap"; }

// Plain SMTP intake keeps the version 1 spelling; anything else needs version 2.
bool needsOrigin(const SpoolEnvelope& e) {
  return e.source != "smtp" || e.accountId != 0 || e.imapUidValidity != 0 || e.imapUid != 0;
}

// A positive decimal without a leading zero or sign (one spelling), at most 18 digits.
bool parsePositive(std::string_view s, int64_t& out) {
  if (s.empty() || s.size() > 18 || s[0] == '0') return false;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

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
  const bool origin = needsOrigin(envelope);
  std::string out(origin ? kMagicWithOrigin : kMagic);
  out += "from " + envelope.mailFrom + "\n";
  for (const auto& r : envelope.rcptTo) out += "rcpt " + r + "\n";
  if (origin) {
    out += "source " + envelope.source + "\n";
    if (envelope.accountId > 0) out += "account " + std::to_string(envelope.accountId) + "\n";
    if (envelope.imapUidValidity > 0 && envelope.imapUid > 0) {
      out += "imap-uid " + std::to_string(envelope.imapUidValidity) + " " + std::to_string(envelope.imapUid) + "\n";
    }
  }
  out += "\n";
  out.append(raw);
  return out;
}

common::Result<SpoolFile> Spool::decode(std::string_view bytes) {
  using R = common::Result<SpoolFile>;
  const bool origin = bytes.substr(0, kMagicWithOrigin.size()) == kMagicWithOrigin;
  if (!origin && bytes.substr(0, kMagic.size()) != kMagic) return R::error("not a spool file (bad magic)");
  // Exactly what encode() writes: one "from" line first, then "rcpt" lines, then (version 2)
  // "source", "account" and "imap-uid" in that order, then a blank line. Anything else is
  // refused rather than guessed at, so a file is read back only if it says precisely one thing.
  SpoolFile f;
  size_t pos = kMagic.size();
  enum class Expect { From, Rcpt, Account, Uid, End } expect = Expect::From;
  bool sawSource = false;
  while (true) {
    const size_t nl = bytes.find('\n', pos);
    if (nl == std::string_view::npos) return R::error("truncated spool header");
    const std::string_view line = bytes.substr(pos, nl - pos);
    pos = nl + 1;
    if (line.empty()) break;
    const size_t sp = line.find(' ');
    const std::string_view key = line.substr(0, sp);
    const std::string_view value = sp == std::string_view::npos ? std::string_view() : line.substr(sp + 1);
    if (sp != std::string_view::npos && key == "from" && expect == Expect::From) {
      f.envelope.mailFrom = std::string(value);
      expect = Expect::Rcpt;
    } else if (sp != std::string_view::npos && key == "rcpt" && expect == Expect::Rcpt) {
      f.envelope.rcptTo.emplace_back(value);
    } else if (origin && key == "source" && expect == Expect::Rcpt && validSource(value)) {
      f.envelope.source = std::string(value);
      sawSource = true;
      expect = Expect::Account;
    } else if (origin && key == "account" && expect == Expect::Account && parsePositive(value, f.envelope.accountId)) {
      expect = Expect::Uid;
    } else if (origin && key == "imap-uid" && (expect == Expect::Account || expect == Expect::Uid) &&
               value.find(' ') != std::string_view::npos &&
               parsePositive(value.substr(0, value.find(' ')), f.envelope.imapUidValidity) &&
               parsePositive(value.substr(value.find(' ') + 1), f.envelope.imapUid)) {
      expect = Expect::End;
    } else {
      return R::error("unexpected spool header line '" + common::sanitize(line, 40) + "'");
    }
  }
  if (expect == Expect::From) return R::error("spool header has no sender line");
  if (origin && (!sawSource || !needsOrigin(f.envelope))) {
    return R::error("version 2 spool header without an origin that needs it");
  }
  f.raw = std::string(bytes.substr(pos));
  return f;
}

common::Result<WrittenEntry> Spool::write(const SpoolEnvelope& envelope, std::string_view raw,
                                          const std::string& nameHint) {
  if (!validSender(envelope.mailFrom)) return common::Result<WrittenEntry>::error("bad envelope sender address");
  if (!validSource(envelope.source)) return common::Result<WrittenEntry>::error("unknown message source");
  for (const auto& r : envelope.rcptTo) {
    if (!validRecipient(r)) return common::Result<WrittenEntry>::error("bad envelope recipient address");
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
  clearDelivered(name);
  if (ec) return common::Status::error("remove spool file " + name + ": " + ec.message());
  return common::Status::success();
}

bool Spool::exists(const std::string& name) const {
  std::error_code ec;
  return name.find('/') == std::string::npos && fs::is_regular_file(fs::path(dir_) / name, ec);
}

namespace {
constexpr const char* kParsingSuffix = ".parsing";
constexpr const char* kDeliveredSuffix = ".delivered";
}  // namespace

bool Spool::setMarker(const std::string& name, const char* suffix, std::string_view content, bool durable) {
  if (name.find('/') != std::string::npos) return false;
  const std::string path = (fs::path(dir_) / (name + suffix)).string();
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  bool ok = writeAll(fd, content, path).ok();
  if (durable && ok) ok = ::fsync(fd) == 0;
  ::close(fd);
  if (durable && ok) ok = fsyncPath(dir_, O_RDONLY | O_DIRECTORY).ok();
  return ok;
}

void Spool::clearMarker(const std::string& name, const char* suffix) {
  if (name.find('/') != std::string::npos) return;
  std::error_code ec;
  fs::remove(fs::path(dir_) / (name + suffix), ec);
}

bool Spool::hasMarker(const std::string& name, const char* suffix) const {
  std::error_code ec;
  return name.find('/') == std::string::npos && fs::exists(fs::path(dir_) / (name + suffix), ec);
}

void Spool::markParsing(const std::string& name) { (void)setMarker(name, kParsingSuffix, "\n", false); }
void Spool::clearParsing(const std::string& name) { clearMarker(name, kParsingSuffix); }
bool Spool::wasBeingParsed(const std::string& name) const { return hasMarker(name, kParsingSuffix); }

bool Spool::markDelivered(const std::string& name, const std::string& status) {
  return setMarker(name, kDeliveredSuffix, status + "\n", true);
}

void Spool::clearDelivered(const std::string& name) { clearMarker(name, kDeliveredSuffix); }

std::string Spool::deliveredAs(const std::string& name) const {
  if (!hasMarker(name, kDeliveredSuffix)) return "";
  std::ifstream in(fs::path(dir_) / (name + kDeliveredSuffix));
  std::string status;
  std::getline(in, status);
  // Only the two statuses a delivery ends in; a cut or odd marker still means "it went out".
  return status == "relayed" ? status : "released";
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
