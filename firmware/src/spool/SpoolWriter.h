#pragma once
// A message written into the spool as it arrives (SMTP DATA), so that no message is ever
// whole in memory: the envelope header first, then the message in pieces, hashed on the way.
// commit() makes it durable under its final name (temp file → fsync → rename → fsync(dir),
// the same steps as Spool::write); a writer dropped without commit() removes its temp file,
// because its client never got 250.
#include <Poco/SHA2Engine.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/Status.h"
#include "spool/FileSystem.h"

namespace mg::spool {

struct WrittenEntry;

class SpoolWriter {
 public:
  SpoolWriter(const SpoolWriter&) = delete;
  SpoolWriter& operator=(const SpoolWriter&) = delete;
  ~SpoolWriter();

  // The first failure is kept (disk full, I/O error): later appends do nothing, and commit()
  // reports it, so that the session can read on to the end dot and answer in step.
  void append(std::string_view bytes);
  common::Result<WrittenEntry> commit();
  const common::Status& status() const { return status_; }
  uint64_t size() const { return size_; }  // message bytes appended (the header not counted)

 private:
  friend class Spool;
  struct Target {
    std::shared_ptr<FileSystem> fs;
    std::string dir;
    std::string name;
    bool sync = true;
  };
  SpoolWriter(Target target, std::unique_ptr<AppendableFile> file, uint64_t headerBytes);
  std::string tmpPath() const;

  Target target_;
  std::unique_ptr<AppendableFile> file_;
  uint64_t headerBytes_;
  uint64_t size_ = 0;
  Poco::SHA2Engine hash_{Poco::SHA2Engine::SHA_256};
  common::Status status_ = common::Status::success();
  bool done_ = false;  // committed, or the commit failed (after an append failed, file_ is gone too)
};

}  // namespace mg::spool
