#pragma once
// Backups on schedule (backup.interval_hours), on demand (REST, D-Bus BackupNow(), mailgatectl)
// and before a schema migration; each checked after writing (integrity_check of the database
// copy, every hash re-read), then rotation within `keep` and `max_total_bytes`. A failure is
// reported through `onFailure` (a notification) and in status() for the health check.
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "backup/BackupArchive.h"
#include "backup/Rotation.h"
#include "common/Clock.h"
#include "common/Settings.h"
#include "common/Status.h"

namespace mg::store {
class Database;
}

namespace mg::backup {

struct BackupResult {
  BackupFile file;
  Manifest manifest;
  std::vector<BackupFile> rotated;  // deleted to stay within the budget
};

struct BackupStatus {
  int64_t lastSuccessAt = 0;  // ms; 0 = none on record (the newest file in the directory counts)
  std::string lastSuccessName;
  int64_t lastAttemptAt = 0;
  std::string lastError;  // of the last attempt; "" when it succeeded
  int64_t nextDueAt = 0;  // ms; 0 = no schedule
  size_t count = 0;
  uint64_t totalBytes = 0;
  bool overBudget = false;  // the newest alone is larger than max_total_bytes
};

struct BackupDeps {
  std::shared_ptr<store::Database> db;
  std::string spoolDir;
  const common::Clock* clock = &common::SystemClock::instance();
  std::string version;  // mailgate's, for the manifest
  std::function<void(const std::string& message)> onFailure;
};

class BackupService {
 public:
  static constexpr int64_t kRetryMillis = 15 * 60 * 1000;  // after a failed scheduled backup

  BackupService(BackupDeps deps, common::BackupSettings settings);
  ~BackupService();

  void start();  // the schedule's thread (nothing when interval_hours = 0)
  void stop();

  // One backup now, synchronously (one at a time; a second caller waits for the first).
  common::Result<BackupResult> makeNow(const std::string& reason);
  std::vector<BackupFile> list() const;  // newest first
  BackupStatus status() const;
  common::BackupSettings settings() const;
  void setPolicy(const common::BackupSettings& settings);  // the directory stays as it started

  // The backup made before a migration, from the database file itself (no one has it open).
  static common::Result<BackupResult> makeFromFile(const std::string& databasePath, const std::string& spoolDir,
                                                   const common::BackupSettings& settings, const std::string& reason,
                                                   const std::string& version, const common::Clock& clock);
  static std::vector<BackupFile> listDir(const std::string& dir);

 private:
  void run();
  void noteResult(const common::Result<BackupResult>& r, int64_t at);

  BackupDeps deps_;
  mutable std::mutex mu_;
  common::BackupSettings settings_;
  BackupStatus status_;
  std::mutex makeMu_;  // one backup at a time
  std::condition_variable cv_;
  bool running_ = false;
  bool wake_ = false;
  std::thread thread_;
};

}  // namespace mg::backup
