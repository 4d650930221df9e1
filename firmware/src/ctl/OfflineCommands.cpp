#include "ctl/OfflineCommands.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
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

bool moveIfExists(const fs::path& from, const fs::path& to, std::string& error) {
  std::error_code ec;
  if (!fs::exists(from, ec)) return true;
  fs::rename(from, to, ec);
  if (ec) error = "move " + from.string() + " to " + to.string() + ": " + ec.message();
  return !ec;
}

std::vector<fs::path> emlFiles(const fs::path& path, std::string& error) {
  std::vector<fs::path> out;
  std::error_code ec;
  if (fs::is_regular_file(path, ec)) return {path};
  if (!fs::is_directory(path, ec)) {
    error = path.string() + ": no such file or directory";
    return {};
  }
  for (const auto& e : fs::directory_iterator(path, ec)) {
    if (e.is_regular_file(ec) && common::toLower(e.path().extension().string()) == ".eml") out.push_back(e.path());
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

  // 2. The current data set aside, never deleted.
  const fs::path aside = fs::path(dataDir) / ("pre-restore-" + when);
  fs::create_directories(aside, ec);
  if (ec) return ctx_.fail("restore: " + aside.string() + ": " + ec.message());
  std::string error;
  for (const char* name : {"mailgate.db", "mailgate.db-wal", "mailgate.db-shm", "spool"}) {
    if (!moveIfExists(fs::path(dataDir) / name, aside / name, error)) {
      return ctx_.fail("restore stopped while setting the current data aside (" + error + "); what moved is in " +
                       aside.string() + ": move it back before starting mailgated");
    }
  }
  // 3. The backup in place.
  if (!moveIfExists(staging / kDatabase, fs::path(dataDir) / kDatabase, error) ||
      !moveIfExists(staging / "spool", fs::path(dataDir) / "spool", error)) {
    return ctx_.fail("restore failed (" + error + "); the previous data is in " + aside.string());
  }
  // 4. Mail that arrived after the backup: its spool files go into the restored spool, and
  //    the next start recovers each as held. Nothing is dropped.
  auto known = store::snapshotAllSpoolNames((fs::path(dataDir) / kDatabase).string());
  if (!known) return ctx_.fail("restore: " + known.errorMessage());
  int carried = 0;
  for (const auto& e : fs::directory_iterator(aside / "spool", ec)) {
    const std::string n = e.path().filename().string();
    if (!e.is_regular_file() || n.size() < 4 || n.compare(n.size() - 4, 4, ".msg") != 0) continue;
    const fs::path target = fs::path(dataDir) / "spool" / n;
    if (known.value().count(n) || fs::exists(target)) continue;
    fs::copy_file(e.path(), target, ec);
    if (!ec) ++carried;
  }
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
  if (carried > 0) {
    ctx_.out() << carried << " spool file(s) newer than the backup were kept; mailgated recovers them as held at its next start\n";
  }
  if (!missing.empty()) {
    ctx_.out() << missing.size() << " open message(s) have no spool file (their bytes were not in the backup): "
               << common::join(std::vector<std::string>(missing.begin(), missing.begin() + std::min<size_t>(missing.size(), 10)), ", ")
               << (missing.size() > 10 ? ", …" : "") << "\n";
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
  ctx_.out() << "imported " << imported << " message(s) as held, " << duplicates << " already stored (skipped)";
  if (failed > 0) ctx_.out() << ", " << failed << " unreadable";
  ctx_.out() << " from " << files.size() << " file(s)\n";
  return failed > 0 ? kExitFailed : kExitOk;
}

}  // namespace mg::ctl
