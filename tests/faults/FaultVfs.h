#pragma once
// The database's side of the simulated power cut: an SQLite VFS over the default one that
// remembers, for each file SQLite opens while it is armed (the database and its WAL), the
// content its last xSync made durable. The wal-index (-shm) is never synced and is simply not
// carried over, as after a real power cut SQLite rebuilds it from the WAL. Once the shared
// `powerGone` says so, every write, truncate, sync and delete fails with an I/O error, which
// is what SQLite sees when the machine is gone.
//
// The cut state is written into another directory: the failed connection may linger in this
// process, holding its descriptors and locks on the old files, and must not meet the new one.
#include <sqlite3.h>

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace mg::test {

class FaultVfs {
 public:
  // Registered once, as the process's default VFS (POCO's SQLite sessions then use it). Until
  // armed it passes everything through and tracks nothing.
  static FaultVfs& instance();

  // Tracks the files opened from now on. With honourSyncs false an xSync makes nothing durable:
  // the control of the harness (a disk that ignores fsync must lose acknowledged commits).
  void arm(std::function<bool()> powerGone, bool honourSyncs = true);
  // The content every tracked file has now counts as durable (the state before the test).
  void adopt();
  // Writes what the power cut leaves of each tracked file into `toDir` (same file names) and
  // disarms. A file that was never synced leaves nothing.
  void cutPowerInto(const std::string& toDir);
  void disarm();

  // The VFS callbacks (public for the C function table in FaultVfs.cpp).
  bool failNow();
  void opened(const std::string& path);
  void synced(const std::string& path, sqlite3_file* real);
  void deleted(const std::string& path);
  bool armed() const;
  sqlite3_vfs* base() const { return base_; }

 private:
  FaultVfs();
  static std::optional<std::string> contentOf(sqlite3_file* real);

  sqlite3_vfs* base_;
  sqlite3_vfs vfs_{};
  mutable std::mutex mu_;
  bool armed_ = false;
  bool honourSyncs_ = true;
  std::function<bool()> powerGone_;
  std::map<std::string, std::optional<std::string>> durable_;  // path → content of the last sync
};

}  // namespace mg::test
