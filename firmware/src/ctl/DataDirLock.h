#pragma once
// The daemon's lock on its data dir (data_dir/mailgated.lock, flock LOCK_EX|LOCK_NB), taken
// by offline commands so they never write the database behind a running mailgated, and so
// mailgated cannot start while they do. Released when the object dies.
#include <string>

namespace mg::ctl {

class DataDirLock {
 public:
  static constexpr const char* kFileName = "mailgated.lock";
  enum class State { Acquired, Busy, Failed };

  // Never blocks: a running daemon holds the lock for as long as it runs.
  static DataDirLock tryAcquire(const std::string& dataDir);

  DataDirLock(DataDirLock&& other) noexcept;
  DataDirLock& operator=(DataDirLock&& other) noexcept;
  DataDirLock(const DataDirLock&) = delete;
  DataDirLock& operator=(const DataDirLock&) = delete;
  ~DataDirLock();

  State state() const { return state_; }
  bool acquired() const { return state_ == State::Acquired; }
  // Busy or Failed: one line saying what is wrong and what to do.
  const std::string& error() const { return error_; }
  const std::string& path() const { return path_; }

 private:
  DataDirLock(State state, int fd, std::string path, std::string error);
  void release();

  State state_;
  int fd_;
  std::string path_;
  std::string error_;
};

}  // namespace mg::ctl
