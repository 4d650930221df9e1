#include "ctl/OfflineCommands.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include "backup/BackupArchive.h"
#include "common/Text.h"
#include "ctl/DataDirLock.h"
#include "ctl/ExitCode.h"
#include "mime/MessageParser.h"
#include "quarantine/QuarantineService.h"
#include "spool/Spool.h"
#include "store/Database.h"
#include "store/Migrations.h"
#include "store/MessageRepository.h"
#include "store/Snapshot.h"

namespace fs = std::filesystem;

namespace mg::ctl {
namespace {

constexpr const char* kDatabase = "mailgate.db";
constexpr uint64_t kMaxImportBytes = 64ull << 20;  // per file: above any sane message

std::string stamp(const common::Clock& clock) {
  const std::time_t secs = static_cast<std::time_t>(clock.nowMillis() / 1000);
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

// The daemon's lock, or one line saying why not.
common::Result<DataDirLock> lockDataDir(const std::string& dataDir, const std::string& command) {
  DataDirLock lock = DataDirLock::tryAcquire(dataDir);
  if (lock.state() == DataDirLock::State::Busy) {
    return common::Result<DataDirLock>::error("'" + command + "' works only while mailgated is stopped, and it holds " +
                                              lock.path() + ": stop it first ('systemctl stop mailgated')");
  }
  if (!lock.acquired()) return common::Result<DataDirLock>::error(lock.error());
  return lock;
}

std::vector<fs::path> emlFiles(const fs::path& path, std::string& error) {
  std::vector<fs::path> out;
  std::error_code ec;
  if (fs::is_regular_file(path, ec)) return {path};
  if (!fs::is_directory(path, ec)) {
    error = path.string() + ": no such file or directory";
    return {};
  }
  fs::directory_iterator it(path, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    std::error_code e;
    if (it->is_regular_file(e) && common::toLower(it->path().extension().string()) == ".eml") out.push_back(it->path());
  }
  if (ec) error = path.string() + ": " + ec.message();
  std::sort(out.begin(), out.end());
  return out;
}

// An .eml file from disk has no envelope: the sender and recipients come from its headers,
// so a release can deliver it (the reviewer sees and may change them with release --to).
void envelopeFromHeaders(const mime::MessageSummary& s, store::MessageRecord& m) {
  auto addresses = [](const std::string& header) {
    std::vector<std::string> out;
    std::string cur;
    bool inAngle = false;
    for (char c : header + ",") {
      if (c == '<') { inAngle = true; cur.clear(); continue; }
      if (c == '>') { inAngle = false; continue; }
      if (c == ',' && !inAngle) {
        std::string a(common::trim(cur));
        if (a.find('@') != std::string::npos && a.find(' ') == std::string::npos) out.push_back(a);
        cur.clear();
        continue;
      }
      cur += c;
    }
    return out;
  };
  const auto from = addresses(s.from);
  if (!from.empty()) m.mailFrom = from.front();
  for (const auto& r : addresses(s.to)) m.rcptTo.push_back(r);
  for (const auto& r : addresses(s.cc)) m.rcptTo.push_back(r);
}

// Run as root (as an operator on the device would), these commands create files mailgated,
// running as its own user, must own: each goes to the data dir's owner.
void handOver(const std::string& dataDir) {
  if (::geteuid() != 0) return;
  struct stat dir {};
  if (::stat(dataDir.c_str(), &dir) != 0 || dir.st_uid == 0) return;
  auto give = [&](const fs::path& p) {
    struct stat st {};
    if (::lstat(p.c_str(), &st) == 0 && st.st_uid != dir.st_uid && !S_ISLNK(st.st_mode)) {
      // Said, not fatal: the command's own work is done; the daemon will say what it can't open.
      if (::chown(p.c_str(), dir.st_uid, dir.st_gid) != 0) {
        std::cerr << "mailgatectl: cannot give " << p.string() << " to the data dir's owner: " << std::strerror(errno)
                  << " (chown it by hand)\n";
      }
    }
  };
  for (const char* name : {"mailgate.db", "mailgate.db-wal", "mailgate.db-shm", "spool", "spool/tmp"}) {
    give(fs::path(dataDir) / name);
  }
  std::error_code ec;
  fs::directory_iterator it(fs::path(dataDir) / "spool", ec), end;
  for (; !ec && it != end; it.increment(ec)) give(it->path());
}

}  // namespace

int OfflineCommands::restore() {
  const std::string dataDir = ctx_.settings().storage.dataDir;
  const std::string file = ctx_.invocation().path;
  auto lock = lockDataDir(dataDir, "restore");
  if (!lock) return ctx_.fail(lock.errorMessage());

  // 1. Everything checked before anything is touched: every hash, the database's integrity,
  //    a schema this mailgate knows.
  const std::string when = stamp(ctx_.clock());
  const fs::path staging = fs::path(dataDir) / (".restore-" + when);
  std::error_code ec;
  fs::remove_all(staging, ec);
  fs::create_directories(staging, ec);
  if (ec) return ctx_.fail("restore: " + staging.string() + ": " + ec.message());
  struct Cleanup {
    fs::path dir;
    ~Cleanup() {
      std::error_code e;
      fs::remove_all(dir, e);
    }
  } cleanup{staging};
  auto manifest = backup::BackupArchive::read(file, staging.string());
  if (!manifest) return ctx_.fail("restore refused, nothing changed: " + manifest.errorMessage());
  const std::string stagedDb = (staging / kDatabase).string();
  if (auto st = store::snapshotIntegrity(stagedDb); !st.ok()) return ctx_.fail("restore refused, nothing changed: " + st.message());
  auto schema = store::snapshotSchemaVersion(stagedDb);
  if (!schema) return ctx_.fail("restore refused: " + schema.errorMessage());
  if (schema.value() > static_cast<int>(store::migrations().size())) {
    return ctx_.fail("restore refused, nothing changed: the backup's schema " + std::to_string(schema.value()) +
                     " is newer than this mailgate's; install the version that made it (" + manifest->mailgateVersion + ")");
  }
  fs::create_directories(staging / "spool", ec);
  // What the restored database knows, read before anything moves.
  auto known = store::snapshotAllSpoolNames(stagedDb);
  if (!known) return ctx_.fail("restore refused, nothing changed: " + known.errorMessage());

  // 2. The current data set aside, never deleted; 3. the backup in place. Each rename is
  //    recorded so that a failure puts everything back as it was.
  const fs::path aside = fs::path(dataDir) / ("pre-restore-" + when);
  fs::create_directories(aside, ec);
  if (ec) return ctx_.fail("restore: " + aside.string() + ": " + ec.message());
  std::vector<std::pair<fs::path, fs::path>> done;  // (from, to), in order
  auto move = [&](const fs::path& from, const fs::path& to) {
    std::error_code e;
    if (!fs::exists(from, e)) return true;
    fs::rename(from, to, e);
    if (e) return false;
    done.emplace_back(from, to);
    return true;
  };
  auto undo = [&] {
    for (auto it = done.rbegin(); it != done.rend(); ++it) {
      std::error_code e;
      fs::rename(it->second, it->first, e);
    }
  };
  bool moved = true;
  for (const char* name : {"mailgate.db", "mailgate.db-wal", "mailgate.db-shm", "spool"}) {
    moved = moved && move(fs::path(dataDir) / name, aside / name);
  }
  moved = moved && move(staging / kDatabase, fs::path(dataDir) / kDatabase) &&
          move(staging / "spool", fs::path(dataDir) / "spool");
  if (!moved) {
    undo();
    return ctx_.fail("restore failed while moving files (" + std::string(std::strerror(errno)) +
                     "); everything was put back as it was");
  }
  // 4. Spool files the restored spool lacks come along from the set-aside one: bytes of done
  //    messages (a backup carries only open mail's), and mail that arrived after the backup,
  //    which the next start recovers as held. Hard links (no extra space, the set-aside copy
  //    stays whole), else copies; then the directory is made durable. Nothing is dropped.
  int carried = 0, newer = 0, failedCarry = 0;
  const fs::path newSpool = fs::path(dataDir) / "spool";
  fs::directory_iterator it(aside / "spool", ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const std::string n = it->path().filename().string();
    std::error_code e;
    if (!it->is_regular_file(e) || n.size() < 4 || n.compare(n.size() - 4, 4, ".msg") != 0) continue;
    const fs::path target = newSpool / n;
    if (fs::exists(target, e)) continue;
    fs::create_hard_link(it->path(), target, e);
    if (e) {
      e.clear();
      fs::copy_file(it->path(), target, e);
    }
    if (e) {
      ++failedCarry;
      ctx_.err() << "mailgatectl: could not carry " << it->path().string() << " into the restored spool: " << e.message()
                 << "\n";
      continue;
    }
    ++carried;
    if (!known.value().count(n)) ++newer;
  }
  for (const fs::path& d : {newSpool, fs::path(dataDir)}) {
    const int fd = ::open(d.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
      (void)::fsync(fd);
      ::close(fd);
    }
  }
  handOver(dataDir);
  // 5. Open messages whose bytes are not there (listed in the manifest when the backup was made).
  spool::Spool restored((fs::path(dataDir) / "spool").string());
  auto open = store::snapshotOpenSpoolNames((fs::path(dataDir) / kDatabase).string());
  std::vector<std::string> missing;
  if (open) {
    for (const auto& n : open.value()) {
      if (!restored.exists(n)) missing.push_back(n);
    }
  }
  ctx_.out() << "restored " << file << " (made " << manifest->reason << ", mailgate " << manifest->mailgateVersion
             << "): " << manifest->messages << " message(s), " << manifest->held << " held, "
             << manifest->files.size() - 1 << " spool file(s)\n";
  ctx_.out() << "the data it replaced is kept in " << aside.string() << "\n";
  if (newer > 0) {
    ctx_.out() << newer << " spool file(s) newer than the backup were kept; mailgated recovers them as held at its next start\n";
  }
  if (carried > newer) {
    ctx_.out() << carried - newer << " spool file(s) of messages the backup lists were taken from the replaced data\n";
  }
  if (!missing.empty()) {
    ctx_.out() << missing.size() << " open message(s) have no spool file (their bytes were not in the backup): "
               << common::join(std::vector<std::string>(missing.begin(), missing.begin() + std::min<size_t>(missing.size(), 10)), ", ")
               << (missing.size() > 10 ? ", …" : "") << "\n";
  }
  if (failedCarry > 0) {
    return ctx_.fail(std::to_string(failedCarry) + " spool file(s) could not be carried over; they are still in " +
                     (aside / "spool").string() + ": copy them into " + newSpool.string() + " before starting mailgated");
  }
  return kExitOk;
}

int OfflineCommands::spoolImport() {
  const std::string dataDir = ctx_.settings().storage.dataDir;
  auto lock = lockDataDir(dataDir, "spool import");
  if (!lock) return ctx_.fail(lock.errorMessage());
  std::string error;
  const auto files = emlFiles(ctx_.invocation().path, error);
  if (!error.empty()) return ctx_.fail("spool import: " + error);
  // The daemon backs a database up before it migrates it; this command will not migrate one.
  if (auto v = store::snapshotSchemaVersion(dataDir + "/" + kDatabase);
      v && v.value() != 0 && v.value() < static_cast<int>(store::migrations().size())) {
    return ctx_.fail("spool import: the database has an older schema; start mailgated once (it backs up and migrates "
                     "it), stop it, then import");
  }
  auto db = store::Database::open(dataDir + "/" + kDatabase);
  if (!db) return ctx_.fail("spool import: " + db.errorMessage());
  store::MessageRepository messages(db.value());
  spool::Spool spool(dataDir + "/spool");
  if (auto st = spool.init(); !st.ok()) return ctx_.fail("spool import: " + st.message());

  int imported = 0, duplicates = 0, failed = 0;
  std::set<std::string> seen;
  for (const auto& path : files) {
    std::error_code ec;
    const auto size = fs::file_size(path, ec);
    if (ec || size > kMaxImportBytes) {
      ++failed;
      ctx_.err() << "mailgatectl: " << path.string() << ": " << (ec ? ec.message() : "larger than 64 MiB") << "; skipped\n";
      continue;
    }
    std::ifstream in(path, std::ios::binary);
    std::ostringstream buf;
    buf << in.rdbuf();
    std::string raw = buf.str();
    const std::string hash = common::sha256Hex(raw);
    auto dup = messages.existsWithHash(hash);
    if (!dup) return ctx_.fail("spool import: " + dup.errorMessage());
    if (dup.value() || !seen.insert(hash).second) {
      ++duplicates;
      continue;
    }
    store::MessageRecord m;
    m.status = store::status::kHeld;
    if (auto s = mime::parseMessage(raw); s) {
      quarantine::QuarantineService::setListFields(m, *s);
      m.hasAttachments = s->hasAttachments();
      envelopeFromHeaders(*s, m);
    }
    spool::SpoolEnvelope env{m.mailFrom, m.rcptTo};
    auto written = spool.write(env, raw);
    if (!written) {
      // An address the spool refuses (odd headers): kept with an empty envelope instead.
      m.mailFrom.clear();
      m.rcptTo.clear();
      written = spool.write(spool::SpoolEnvelope{}, raw);
    }
    if (!written) return ctx_.fail("spool import: " + path.string() + ": " + written.errorMessage());
    m.receivedAt = ctx_.clock().nowMillis();
    m.size = static_cast<int64_t>(raw.size());
    m.contentHash = hash;
    m.spoolName = written->name;
    m.failureReason = "imported from " + common::sanitize(path.filename().string(), 100) + " by mailgatectl spool import";
    auto id = messages.insert(m);
    if (!id) return ctx_.fail("spool import: " + path.string() + ": " + id.errorMessage() +
                              " (its spool file stays; mailgated recovers it as held at its next start)");
    ++imported;
  }
  handOver(dataDir);
  ctx_.out() << "imported " << imported << " message(s) as held, " << duplicates << " already stored (skipped)";
  if (failed > 0) ctx_.out() << ", " << failed << " unreadable";
  ctx_.out() << " from " << files.size() << " file(s)\n";
  return failed > 0 ? kExitFailed : kExitOk;
}

}  // namespace mg::ctl
