#pragma once
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "store/Database.h"
#include "store/MessageRecord.h"

namespace mg::store {

// Messages and their versions. Status changes are single guarded UPDATEs: the caller says
// which statuses it expects, and zero rows changed means someone else got there first.
class MessageRepository {
 public:
  explicit MessageRepository(std::shared_ptr<Database> db) : db_(std::move(db)) {}

  int64_t insert(const MessageRecord& m);  // returns the new id; also records version 1
  std::optional<MessageRecord> get(int64_t id);
  std::vector<MessageRecord> list(const MessageFilter& filter);
  std::vector<MessageRecord> latest(int limit);  // newest first, any status (rule dry-run)

  struct Change {
    std::optional<std::string> failureReason;
    std::optional<int> attempts;
    std::optional<int64_t> nextAttemptAt;
    std::optional<std::vector<std::string>> releaseTo;
    std::optional<int64_t> releasedAt;
  };
  // UPDATE … SET status=to WHERE id=? AND status IN (from…). True when this call won.
  bool transition(int64_t id, const std::vector<std::string>& from, const std::string& to, const Change& change = {});

  std::vector<int64_t> dueForAutoRelease(int64_t nowMillis, int limit);
  std::vector<int64_t> dueForRelay(int64_t nowMillis, int limit);
  std::vector<int64_t> withStatus(const std::string& status, int limit);
  std::map<std::string, int64_t> countByStatus();
  bool existsWithHash(const std::string& contentHash);
  std::set<std::string> allSpoolNames();  // originals and versions

  // Stores an edited version and makes it current (and its subject the listed one).
  // Returns the new version number, or 0 when the message is no longer held/release_failed.
  int addVersion(int64_t emailId, const MessageVersion& v, const std::string& newSubject);
  std::vector<MessageVersion> versions(int64_t emailId);

  // IMAP intake (the watcher): the message taken from INBOX UID `uid` under `uidValidity`;
  // where it now is in the Quarantine folder; and the open ones whose location is unknown.
  std::optional<MessageRecord> findImapOrigin(int64_t accountId, int64_t uidValidity, int64_t uid);
  bool setImapLocation(int64_t id, int64_t folderUidValidity, int64_t folderUid);
  // Many at once, in one transaction (a batch MOVE): (id, folder UID) pairs.
  void setImapLocations(int64_t folderUidValidity, const std::vector<std::pair<int64_t, int64_t>>& idAndUid);
  std::vector<MessageRecord> imapUnplaced(int64_t accountId, int limit);
  // A crash between an IMAP intake's spool fsync and its row leaves a spool file that start-up
  // recovery lists as held (source smtp, no account). When the watcher meets the same bytes
  // again in INBOX it adopts that row instead of recording the message twice. The row's id, or 0.
  int64_t adoptRecoveredImap(const std::string& contentHash, int64_t accountId, int64_t uidValidity, int64_t uid);
  void recordRelayAttempt(int64_t emailId, const std::string& upstream, int64_t at, bool ok, const std::string& reply);

 private:
  std::shared_ptr<Database> db_;
};

// The envelope recipients travel as one text column, one address per line.
std::string joinAddresses(const std::vector<std::string>& a);
std::vector<std::string> splitAddresses(const std::string& s);

}  // namespace mg::store
