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
//
// Every call answers a Result or Status (DESIGN §4): a full disk or an I/O error is an error
// value naming the operation, never an exception out of the store.
class MessageRepository {
 public:
  explicit MessageRepository(std::shared_ptr<Database> db) : db_(std::move(db)) {}

  common::Result<int64_t> insert(const MessageRecord& m);  // the new id; also records version 1
  common::Result<std::optional<MessageRecord>> get(int64_t id);
  common::Result<std::vector<MessageRecord>> list(const MessageFilter& filter);
  // The SELECT list() runs for `filter`, parameters in the order list() binds them (for the query-plan test).
  static std::string listSql(const MessageFilter& filter);
  common::Result<std::vector<MessageRecord>> latest(int limit);  // newest first, any status (rule dry-run)

  struct Change {
    std::optional<std::string> failureReason;
    std::optional<int> attempts;
    std::optional<int64_t> nextAttemptAt;
    std::optional<std::vector<std::string>> releaseTo;
    std::optional<int64_t> releasedAt;
  };
  // UPDATE … SET status=to WHERE id=? AND status IN (from…). True when this call won.
  common::Result<bool> transition(int64_t id, const std::vector<std::string>& from, const std::string& to,
                                  const Change& change = {});

  common::Result<std::vector<int64_t>> dueForAutoRelease(int64_t nowMillis, int limit);
  common::Result<std::vector<int64_t>> dueForRelay(int64_t nowMillis, int limit);
  common::Result<std::vector<int64_t>> withStatus(const std::string& status, int limit);
  common::Result<std::map<std::string, int64_t>> countByStatus();
  // When the oldest message with `status` arrived (ms), 0 when there is none.
  common::Result<int64_t> oldestReceivedAt(const std::string& status);
  common::Result<bool> existsWithHash(const std::string& contentHash);
  common::Result<std::set<std::string>> allSpoolNames();  // originals and versions

  // Stores an edited version and makes it current (and its subject the listed one).
  // The new version number, or 0 when the message is no longer held/release_failed.
  common::Result<int> addVersion(int64_t emailId, const MessageVersion& v, const std::string& newSubject);
  common::Result<std::vector<MessageVersion>> versions(int64_t emailId);

  // IMAP intake (the watcher): the message taken from INBOX UID `uid` under `uidValidity`;
  // where it now is in the Quarantine folder; and the open ones whose location is unknown.
  common::Result<std::optional<MessageRecord>> findImapOrigin(int64_t accountId, int64_t uidValidity, int64_t uid);
  common::Result<bool> setImapLocation(int64_t id, int64_t folderUidValidity, int64_t folderUid);
  // Many at once, in one transaction (a batch MOVE): (id, folder UID) pairs.
  common::Status setImapLocations(int64_t folderUidValidity, const std::vector<std::pair<int64_t, int64_t>>& idAndUid);
  common::Result<std::vector<MessageRecord>> imapUnplaced(int64_t accountId, int limit);
  common::Status recordRelayAttempt(int64_t emailId, const std::string& upstream, int64_t at, bool ok,
                                    const std::string& reply);

 private:
  std::shared_ptr<Database> db_;
};

// The envelope recipients travel as one text column, one address per line.
std::string joinAddresses(const std::vector<std::string>& a);
std::vector<std::string> splitAddresses(const std::string& s);

}  // namespace mg::store
