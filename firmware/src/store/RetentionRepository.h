#pragma once
// The queries retention needs (CONTRACT §2 [retention]). A purge is two steps so that a crash
// between them never brings a purged message back: the rows are first marked `purging` (a
// status no caller can change), then their spool files are removed, then the rows deleted.
// A crash after the mark leaves rows the next purge (or start-up) finishes; spool files of a
// `purging` row are still "known", so start-up recovery never imports them as new mail.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "store/Database.h"

namespace mg::store {

inline constexpr const char* kPurgingStatus = "purging";

struct PurgeCandidate {
  int64_t id = 0;
  std::string status;
  int64_t updatedAt = 0;  // when it became done (ms)
  std::string subject;
  std::vector<std::string> spoolNames;  // the original and every edited version
};

class RetentionRepository {
 public:
  explicit RetentionRepository(std::shared_ptr<Database> db) : db_(std::move(db)) {}

  // Done messages (released, discarded, relayed) that have to go, oldest first: those done
  // before `doneBefore` (ms), and those beyond the newest `keepNewest` done ones.
  common::Result<std::vector<PurgeCandidate>> doneToPurge(int64_t doneBefore, int64_t keepNewest, int limit);
  // Held messages received before `receivedBefore` (ms), oldest first.
  common::Result<std::vector<PurgeCandidate>> heldOlderThan(int64_t receivedBefore, int limit);
  // Step one: done → purging, guarded by the status each candidate had. The ids that were
  // marked (an undiscard in between keeps its message).
  common::Result<std::vector<int64_t>> markPurging(const std::vector<PurgeCandidate>& candidates);
  // Rows marked but not yet deleted (a crash in between), with their spool names.
  common::Result<std::vector<PurgeCandidate>> purging(int limit);
  // Step three: the marked rows and their versions.
  common::Status deletePurged(const std::vector<int64_t>& ids);
  // True when `id` was once a message and is gone (ids are AUTOINCREMENT: never reused).
  common::Result<bool> wasPurged(int64_t id);

 private:
  common::Result<std::vector<PurgeCandidate>> withSpoolNames(std::vector<PurgeCandidate> rows);
  std::shared_ptr<Database> db_;
};

}  // namespace mg::store
