#include "spool/Spool.h"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "common/Metrics.h"
#include "common/Text.h"
#include "smtp/Address.h"

namespace fs = std::filesystem;

namespace mg::spool {
namespace {

constexpr std::string_view kMagic = "MGSPOOL 1\n";
constexpr std::string_view kMagicWithOrigin = "MGSPOOL 2\n";
constexpr const char* kSuffix = ".msg";

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

Spool::Spool(std::string dir, std::shared_ptr<FileSystem> fs) : dir_(std::move(dir)), fs_(std::move(fs)) {}

common::Status Spool::init() {
  std::error_code ec;
  fs::create_directories(fs::path(dir_) / "tmp", ec);
  if (ec) return common::Status::error("spool " + dir_ + ": " + ec.message());
  ::chmod(dir_.c_str(), 0700);
  for (const auto& n : fs_->listFiles(dir_ + "/tmp")) {
    // A temp file was never renamed: its client never got 250, so it is not ours to keep.
    (void)fs_->remove(dir_ + "/tmp/" + n);
  }
  return common::Status::success();
}

std::string Spool::encodeHeader(const SpoolEnvelope& envelope) {
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
  return out;
}

std::string Spool::encode(const SpoolEnvelope& envelope, std::string_view raw) {
  std::string out = encodeHeader(envelope);
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

common::Result<std::unique_ptr<SpoolWriter>> Spool::begin(const SpoolEnvelope& envelope, const std::string& nameHint) {
  using R = common::Result<std::unique_ptr<SpoolWriter>>;
  if (!validSender(envelope.mailFrom)) return R::error("bad envelope sender address");
  if (!validSource(envelope.source)) return R::error("unknown message source");
  for (const auto& r : envelope.rcptTo) {
    if (!validRecipient(r)) return R::error("bad envelope recipient address");
  }
  if (nameHint.find('/') != std::string::npos) return R::error("bad spool name");
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch()).count();
  SpoolWriter::Target target{fs_, dir_, (nameHint.empty() ? std::to_string(ms) + "-" + common::randomHex(6) : nameHint) + kSuffix, sync_};
  auto file = fs_->createAppendable(dir_ + "/tmp/" + target.name);
  if (!file) return file.status();
  const std::string header = encodeHeader(envelope);
  std::unique_ptr<SpoolWriter> writer(new SpoolWriter(std::move(target), std::move(file.value()), header.size()));
  // The header goes straight to the file; the writer hashes and counts only the message.
  if (auto st = writer->file_->append(header); !st.ok()) return st;  // the writer removes its temp file
  return R(std::move(writer));
}

common::Result<WrittenEntry> Spool::write(const SpoolEnvelope& envelope, std::string_view raw,
                                          const std::string& nameHint) {
  auto writer = begin(envelope, nameHint);
  if (!writer) return writer.status();
  writer.value()->append(raw);
  return writer.value()->commit();
}

common::Result<SpoolFile> Spool::read(const std::string& name) const {
  if (name.find('/') != std::string::npos) return common::Result<SpoolFile>::error("bad spool name");
  auto bytes = fs_->readFile(dir_ + "/" + name);
  if (!bytes) return common::Result<SpoolFile>::error("spool file " + name + " is missing");
  return decode(bytes.value()).withContext("spool file " + name);
}

common::Result<std::string> Spool::readRaw(const std::string& name) const {
  auto f = read(name);
  if (!f) return f.status();
  return std::move(f.value().raw);
}

common::Result<RawLocation> Spool::locate(const std::string& name) const {
  using R = common::Result<RawLocation>;
  if (name.find('/') != std::string::npos) return R::error("bad spool name");
  const std::string path = dir_ + "/" + name;
  // 64 KiB hold the header of any ordinary message; only a long recipient list needs more.
  auto prefix = fs_->readPrefix(path, 64 * 1024);
  if (!prefix) return R::error("spool file " + name + " is missing");
  if (prefix.value().find("\n\n") == std::string::npos) prefix = fs_->readPrefix(path, kMaxHeaderBytes);
  if (!prefix) return R::error("spool file " + name + " is missing");
  auto decoded = decode(prefix.value());
  if (!decoded) return R::error("spool file " + name + ": " + decoded.errorMessage());
  return RawLocation{path, prefix.value().size() - decoded.value().raw.size()};
}

common::Status Spool::remove(const std::string& name) {
  if (name.find('/') != std::string::npos) return common::Status::error("bad spool name");
  auto st = fs_->remove(dir_ + "/" + name);
  clearParsing(name);
  clearDelivered(name);
  return st.withContext("spool file " + name);
}

common::Status Spool::syncDir() { return fs_->syncDir(dir_); }

bool Spool::exists(const std::string& name) const {
  return name.find('/') == std::string::npos && fs_->isFile(dir_ + "/" + name);
}

namespace {
constexpr const char* kParsingSuffix = ".parsing";
constexpr const char* kDeliveredSuffix = ".delivered";
}  // namespace

bool Spool::setMarker(const std::string& name, const char* suffix, std::string_view content, bool durable) {
  if (name.find('/') != std::string::npos) return false;
  const std::string path = dir_ + "/" + name + suffix;
  bool ok = fs_->replaceFile(path, content, durable).ok();
  if (durable && ok) ok = fs_->syncDir(dir_).ok();
  return ok;
}

void Spool::clearMarker(const std::string& name, const char* suffix) {
  if (name.find('/') != std::string::npos) return;
  (void)fs_->remove(dir_ + "/" + name + suffix);
}

bool Spool::hasMarker(const std::string& name, const char* suffix) const {
  return name.find('/') == std::string::npos && fs_->isFile(dir_ + "/" + name + suffix);
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
  const auto content = fs_->readFile(dir_ + "/" + name + kDeliveredSuffix);
  const std::string status = content ? content.value().substr(0, content.value().find('\n')) : "";
  // Only the two statuses a delivery ends in; a cut or odd marker still means "it went out".
  return status == "relayed" ? status : "released";
}

std::vector<std::string> Spool::list() const {
  std::vector<std::string> out;
  for (const auto& n : fs_->listFiles(dir_)) {
    if (n.size() > 4 && n.compare(n.size() - 4, 4, kSuffix) == 0) out.push_back(n);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace mg::spool
