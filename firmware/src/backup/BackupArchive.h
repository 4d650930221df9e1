#pragma once
// One backup: a gzip-compressed ustar archive holding
//   mailgate.db      a VACUUM INTO copy of the database (never a file copy of a live one)
//   spool/<name>     the spool files of every message not yet released, discarded or relayed
//   manifest.json    last: what is inside, with each file's size and SHA-256, and counts
// Reading one checks everything against the manifest: a file missing, added, cut or changed
// makes the whole archive refused.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/Status.h"

namespace mg::backup {

struct ArchiveFile {
  std::string name;  // "mailgate.db" or "spool/<file>"
  uint64_t size = 0;
  std::string sha256;
};

struct Manifest {
  int format = 1;
  std::string mailgateVersion;
  int64_t createdAt = 0;  // ms since the epoch
  std::string reason;     // "schedule", "request by <user>", "before migration to schema 7"
  int schemaVersion = 0;
  int64_t messages = 0;
  int64_t openMessages = 0;
  int64_t held = 0;
  std::vector<std::string> missingSpool;  // open messages' files that were not in the spool
  std::vector<ArchiveFile> files;

  std::string toJson() const;
  static common::Result<Manifest> fromJson(const std::string& text);
};

struct ArchiveLimits {
  uint64_t maxEntries = 200'000;  // far above what 64 MiB of backups can hold
  uint64_t maxManifestBytes = 64ull << 20;
  uint64_t maxFileBytes = 1ull << 40;
};

class BackupArchive {
 public:
  static constexpr const char* kDatabaseName = "mailgate.db";
  static constexpr const char* kManifestName = "manifest.json";
  static constexpr const char* kSpoolPrefix = "spool/";

  // Writes `target` (not atomically: the caller writes a temp name and renames it) from the
  // database copy at `databaseCopy` and the named files in `spoolDir`. The manifest's files
  // are filled in; a spool file that is gone is listed in missingSpool, not an error.
  static common::Result<Manifest> write(const std::string& target, const std::string& databaseCopy,
                                        const std::string& spoolDir, const std::vector<std::string>& spoolNames,
                                        Manifest manifest);
  // Reads all of `path` and checks it against its manifest. With `extractTo`, the files are
  // written below that directory as they are read (mailgate.db, spool/…), fsynced.
  static common::Result<Manifest> read(const std::string& path, const std::optional<std::string>& extractTo = {},
                                       const ArchiveLimits& limits = {});
};

}  // namespace mg::backup
