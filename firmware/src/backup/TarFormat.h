#pragma once
// The POSIX ustar format (IEEE 1003.1-1988), the little of it a backup needs: regular files
// under one directory level, names of at most 100 bytes. An operator can list or unpack a
// backup with `tar tzf` / `tar xzf`; the reader is ours so that a hostile or damaged archive
// costs bounded work (entry count, name and size checked before anything is read or written).
#include <cstdint>
#include <istream>
#include <optional>
#include <ostream>
#include <string>

#include "common/Status.h"

namespace mg::backup {

inline constexpr size_t kTarBlock = 512;

struct TarEntry {
  std::string name;   // relative path: "mailgate.db", "spool/<file>", "manifest.json"
  uint64_t size = 0;  // bytes of content
  int64_t mtime = 0;  // seconds since the epoch
};

class TarWriter {
 public:
  explicit TarWriter(std::ostream& out) : out_(out) {}
  // Header, then `size` bytes from `content`, then the padding. Fails on a name that does
  // not fit or a short read.
  common::Status add(const TarEntry& entry, std::istream& content);
  common::Status addText(const std::string& name, const std::string& text, int64_t mtime);
  // The two zero blocks that end an archive.
  common::Status finish();

 private:
  std::ostream& out_;
};

class TarReader {
 public:
  explicit TarReader(std::istream& in) : in_(in) {}
  // The next header: nullopt at the end of the archive, an error for anything malformed.
  common::Result<std::optional<TarEntry>> next();
  // The current entry's content, in chunks of at most `chunk` bytes, to `sink`; then the padding.
  template <typename Sink>
  common::Status read(const TarEntry& entry, Sink&& sink);

  // Pure, for tests and the fuzz target.
  static std::string header(const TarEntry& entry);
  static common::Result<std::optional<TarEntry>> parseHeader(const char* block);

 private:
  common::Status readBlock(char* into, size_t n);
  std::istream& in_;
};

// A name the reader accepts: no absolute path, no "..", no empty part, printable ASCII only.
bool safeArchiveName(const std::string& name);

template <typename Sink>
common::Status TarReader::read(const TarEntry& entry, Sink&& sink) {
  char buf[64 * 1024];
  uint64_t left = entry.size;
  while (left > 0) {
    const size_t n = left < sizeof buf ? static_cast<size_t>(left) : sizeof buf;
    if (auto st = readBlock(buf, n); !st.ok()) return st.withContext(entry.name);
    if (auto st = sink(buf, n); !st.ok()) return st;
    left -= n;
  }
  const size_t pad = static_cast<size_t>((kTarBlock - entry.size % kTarBlock) % kTarBlock);
  return pad ? readBlock(buf, pad).withContext(entry.name) : common::Status::success();
}

}  // namespace mg::backup
