#include "backup/BackupService.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <ctime>
#include <filesystem>

#include "common/Log.h"
#include "common/Metrics.h"
#include "common/Text.h"
#include "store/Database.h"
#include "store/Snapshot.h"

namespace fs = std::filesystem;

namespace mg::backup {
namespace {

constexpr const char* kPrefix = "mailgate-";
constexpr const char* kSuffix = ".tar.gz";

Poco::Logger& log() { return common::logger("backup"); }

// mailgate-20261202T121500.123Z.tar.gz: sorts by time, says when at a glance.
std::string fileName(int64_t ms) {
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s%04d%02d%02dT%02d%02d%02d.%03dZ%s", kPrefix, tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000), kSuffix);
  return buf;
}

int64_t timeFromName(const std::string& name) {
  int y, mo, d, h, mi, s, ms;
  if (std::sscanf(name.c_str(), "mailgate-%4d%2d%2dT%2d%2d%2d.%3dZ", &y, &mo, &d, &h, &mi, &s, &ms) != 7) return 0;
  return common::utcMillis(y, mo, d, h, mi, s) + ms;
}

common::Status fsyncDir(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return common::Status::error("open " + dir + ": " + std::strerror(errno));
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return common::Status::error("fsync " + dir + ": " + std::strerror(errno));
  return common::Status::success();
}

// The steps every backup shares, whatever made the database copy.
common::Result<BackupResult> build(const common::BackupSettings& settings, const std::string& spoolDir,
                                   const std::function<common::Status(const std::string&)>& copyDatabase,
                                   const std::string& reason, const std::string& version, int64_t now) {
  using R = common::Result<BackupResult>;
  std::error_code ec;
  fs::create_directories(settings.dir, ec);
  if (ec) return R::error("backup.dir " + settings.dir + ": " + ec.message());
  const std::string name = fileName(now);
  const std::string work = settings.dir + "/.tmp-" + std::to_string(now) + "-" + common::randomHex(3);
  fs::create_directories(work, ec);
  if (ec) return R::error("backup.dir " + settings.dir + ": " + ec.message());
  struct Cleanup {
    std::string dir;
    ~Cleanup() {
      std::error_code e;
      fs::remove_all(dir, e);
    }
  } cleanup{work};

  const std::string dbCopy = work + "/mailgate.db";
  if (auto st = copyDatabase(dbCopy); !st.ok()) return st;
  if (auto st = store::snapshotIntegrity(dbCopy); !st.ok()) return st.withContext("the database copy");
  auto schema = store::snapshotSchemaVersion(dbCopy);
  auto counts = store::snapshotCounts(dbCopy);
  auto spoolNames = store::snapshotOpenSpoolNames(dbCopy);
  if (!schema) return schema.status();
  if (!counts) return counts.status();
  if (!spoolNames) return spoolNames.status();

  Manifest m;
  m.mailgateVersion = version;
  m.createdAt = now;
  m.reason = reason;
  m.schemaVersion = schema.value();
  m.messages = counts->messages;
  m.openMessages = counts->open;
  m.held = counts->held;
  const std::string archive = work + "/" + name;
  auto written = BackupArchive::write(archive, dbCopy, spoolDir,
                                      {spoolNames.value().begin(), spoolNames.value().end()}, std::move(m));
  if (!written) return written.status();
  fs::remove(dbCopy, ec);
  // Checked before it counts as a backup: every byte read back and compared with the manifest.
  auto verified = BackupArchive::read(archive);
  if (!verified) return verified.status().withContext("checking the new backup");
  const std::string finalPath = settings.dir + "/" + name;
  if (::rename(archive.c_str(), finalPath.c_str()) != 0) {
    return R::error("rename into " + settings.dir + ": " + std::strerror(errno));
  }
  if (auto st = fsyncDir(settings.dir); !st.ok()) return st;

  BackupResult out;
  out.file = {name, finalPath, fs::file_size(finalPath, ec), now};
  out.manifest = std::move(written).value();
  for (const auto& old : selectForDeletion(BackupService::listDir(settings.dir), settings.keep, settings.maxTotalBytes)) {
    if (old.name == name) continue;  // never the one just made (the newest is always kept)
    if (fs::remove(old.path, ec)) out.rotated.push_back(old);
  }
  if (!out.manifest.missingSpool.empty()) {
    log().warning("backup " + name + ": " + std::to_string(out.manifest.missingSpool.size()) +
                  " open message(s) had no spool file (listed in its manifest)");
  }
  return out;
}

}  // namespace

BackupService::BackupService(BackupDeps deps, common::BackupSettings settings)
    : deps_(std::move(deps)), settings_(std::move(settings)) {
  auto& metrics = common::Metrics::global();
  metrics.describe("mailgate_backups_total", "counter", "Backups by result");
  metrics.increment("mailgate_backups_total", {{"result", "ok"}}, 0);
  metrics.increment("mailgate_backups_total", {{"result", "failed"}}, 0);
  metrics.describe("mailgate_backup_last_success_timestamp_seconds", "gauge",
                   "When the newest good backup was made (0: none)");
  // Work directories of a backup the process did not finish (killed, power cut) are not
  // backups: removed so they cannot pile up on the card.
  std::error_code ec;
  fs::directory_iterator it(settings_.dir, ec), end;
  std::vector<fs::path> leftovers;
  for (; !ec && it != end; it.increment(ec)) {
    if (it->path().filename().string().rfind(".tmp-", 0) == 0) leftovers.push_back(it->path());
  }
  for (const auto& p : leftovers) fs::remove_all(p, ec);
  const auto files = listDir(settings_.dir);
  if (!files.empty()) {
    status_.lastSuccessAt = files.front().createdAt;
    status_.lastSuccessName = files.front().name;
  }
  metrics.set("mailgate_backup_last_success_timestamp_seconds", static_cast<double>(status_.lastSuccessAt / 1000));
}

BackupService::~BackupService() { stop(); }

std::vector<BackupFile> BackupService::listDir(const std::string& dir) {
  std::vector<BackupFile> out;
  std::error_code ec;
  // Error codes throughout: a USB stick pulled mid-listing is an empty list, not an exception.
  fs::directory_iterator it(dir, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const std::string n = it->path().filename().string();
    std::error_code e;
    if (!it->is_regular_file(e) || n.rfind(kPrefix, 0) != 0 || n.size() <= std::strlen(kSuffix) ||
        n.compare(n.size() - std::strlen(kSuffix), std::string::npos, kSuffix) != 0) {
      continue;
    }
    const int64_t at = timeFromName(n);
    const uint64_t size = it->file_size(e);
    if (at == 0 || e) continue;
    out.push_back({n, it->path().string(), size, at});
  }
  std::sort(out.begin(), out.end(), [](const BackupFile& a, const BackupFile& b) { return a.createdAt > b.createdAt; });
  return out;
}

std::vector<BackupFile> BackupService::list() const { return listDir(settings().dir); }

common::BackupSettings BackupService::settings() const {
  std::lock_guard<std::mutex> lock(mu_);
  return settings_;
}

void BackupService::setPolicy(const common::BackupSettings& s) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string dir = settings_.dir;
  settings_ = s;
  settings_.dir = dir;
  wake_ = true;
  cv_.notify_all();
}

BackupStatus BackupService::status() const {
  BackupStatus s;
  common::BackupSettings cfg;
  {
    std::lock_guard<std::mutex> lock(mu_);
    s = status_;
    cfg = settings_;
  }
  const auto files = listDir(cfg.dir);
  s.count = files.size();
  for (const auto& f : files) s.totalBytes += f.size;
  s.overBudget = !files.empty() && files.front().size > cfg.maxTotalBytes;
  if (!files.empty() && files.front().createdAt > s.lastSuccessAt) {
    s.lastSuccessAt = files.front().createdAt;
    s.lastSuccessName = files.front().name;
  }
  return s;
}

void BackupService::noteResult(const common::Result<BackupResult>& r, int64_t at) {
  auto& metrics = common::Metrics::global();
  {
    std::lock_guard<std::mutex> lock(mu_);
    status_.lastAttemptAt = at;
    status_.lastError = r ? "" : r.errorMessage();
    if (r) {
      status_.lastSuccessAt = r->file.createdAt;
      status_.lastSuccessName = r->file.name;
    }
  }
  if (r) {
    metrics.increment("mailgate_backups_total", {{"result", "ok"}});
    metrics.set("mailgate_backup_last_success_timestamp_seconds", static_cast<double>(r->file.createdAt / 1000));
    common::logEvent(log(), Poco::Message::PRIO_INFORMATION, {"backup", 0, ""},
                     "made " + r->file.path + " bytes=" + std::to_string(r->file.size) +
                         " messages=" + std::to_string(r->manifest.messages) + " spool_files=" +
                         std::to_string(r->manifest.files.size() - 1) + " rotated=" + std::to_string(r->rotated.size()));
  } else {
    metrics.increment("mailgate_backups_total", {{"result", "failed"}});
    common::logEvent(log(), Poco::Message::PRIO_ERROR, {"backup_failed", 0, ""}, "backup failed: " + r.errorMessage());
    if (deps_.onFailure) deps_.onFailure("backup failed: " + r.errorMessage());
  }
}

common::Result<BackupResult> BackupService::makeNow(const std::string& reason) {
  std::lock_guard<std::mutex> one(makeMu_);
  const int64_t now = deps_.clock->nowMillis();
  auto db = deps_.db;
  auto r = build(settings(), deps_.spoolDir, [db](const std::string& target) { return db->vacuumInto(target); }, reason,
                 deps_.version, now);
  noteResult(r, now);
  return r;
}

common::Result<BackupResult> BackupService::makeFromFile(const std::string& databasePath, const std::string& spoolDir,
                                                         const common::BackupSettings& settings,
                                                         const std::string& reason, const std::string& version,
                                                         const common::Clock& clock) {
  return build(settings, spoolDir, [&](const std::string& target) { return store::snapshotCopy(databasePath, target); },
               reason, version, clock.nowMillis());
}

void BackupService::start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (running_) return;
  running_ = true;
  thread_ = std::thread([this] { run(); });
}

void BackupService::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!running_) return;
    running_ = false;
    cv_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
}

void BackupService::run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (running_) {
    const int64_t interval = static_cast<int64_t>(settings_.intervalHours) * 3600 * 1000;
    int64_t due = 0;
    if (interval > 0) {
      const auto files = listDir(settings_.dir);
      const int64_t last = std::max(status_.lastSuccessAt, files.empty() ? 0 : files.front().createdAt);
      due = last == 0 ? deps_.clock->nowMillis() : last + interval;
      if (!status_.lastError.empty()) due = std::max(due, status_.lastAttemptAt + std::min(kRetryMillis, interval));
    }
    status_.nextDueAt = due;
    const int64_t now = deps_.clock->nowMillis();
    if (due == 0 || due > now) {
      // Wall-clock due times, waited for in pieces of at most a minute: a clock set by NTP
      // after boot (a Pi has no RTC) moves the schedule with it.
      const int64_t wait = due == 0 ? 60'000 : std::min<int64_t>(due - now, 60'000);
      cv_.wait_for(lock, std::chrono::milliseconds(wait), [this] { return !running_ || wake_; });
      wake_ = false;
      continue;
    }
    lock.unlock();
    try {
      (void)makeNow("schedule");
    } catch (const std::exception& e) {
      log().error(std::string("backup: ") + e.what());
    }
    lock.lock();
  }
}

}  // namespace mg::backup
