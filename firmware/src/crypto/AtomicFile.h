#pragma once
// Crash-safe file creation for key material: a reader sees the old file, the complete new
// file, or nothing — never a torn key (temp → fsync → rename → fsync dir, DESIGN.md §3).
#include "common/Status.h"

#include <filesystem>
#include <string_view>
#include <sys/types.h>

namespace mg::crypto::detail {

enum class WriteMode { replace, createOnly };
enum class WriteOutcome { written, alreadyExisted };

// Writes `bytes` to `path` with exactly `mode` (umask does not apply). With createOnly an
// existing `path` is left untouched and the outcome is alreadyExisted: two processes racing
// to create a key both end up using the same one.
common::Result<WriteOutcome> writeFileAtomically(const std::filesystem::path& path, std::string_view bytes,
                                                 mode_t mode, WriteMode writeMode);

// Makes a rename or unlink in `dir` durable.
common::Status syncDirectory(const std::filesystem::path& dir);

// Makes a newly created directory `dir` itself durable (fsyncs the directory holding it).
common::Status syncParentDirectory(const std::filesystem::path& dir);

// "mode 0644" style text for error messages.
std::string modeText(mode_t mode);

}  // namespace mg::crypto::detail
