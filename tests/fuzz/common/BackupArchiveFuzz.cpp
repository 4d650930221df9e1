// Any bytes as a backup archive (restore reads files from a USB stick anyone may have
// written): a tar stream of entries, each checked, and any bytes as its manifest. Either an
// error or a manifest, never a crash, a hang or an unbounded allocation.
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>

#include "backup/BackupArchive.h"
#include "backup/TarFormat.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  (void)mg::backup::Manifest::fromJson(bytes);
  std::istringstream in(bytes);
  mg::backup::TarReader tar(in);
  for (int i = 0; i < 64; ++i) {
    auto next = tar.next();
    if (!next || !next.value()) break;
    // The size field is the attacker's: read() streams it in bounded chunks and stops at the end.
    if (!tar.read(*next.value(), [](const char*, size_t) { return mg::common::Status::success(); }).ok()) break;
  }
  // The restore path itself: gzip, entries, manifest matching, as a file.
  std::string path = (std::filesystem::temp_directory_path() / "mg-fuzz-backup-XXXXXX").string();
  const int fd = ::mkstemp(path.data());
  if (fd >= 0) {
    (void)!::write(fd, data, size);
    ::close(fd);
    (void)mg::backup::BackupArchive::read(path);
    ::unlink(path.c_str());
  }
  return 0;
}
