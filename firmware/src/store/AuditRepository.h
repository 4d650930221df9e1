#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/Database.h"

namespace mg::store {

struct AuditEntry {
  int64_t seq = 0;
  int64_t at = 0;  // ms since epoch
  std::string user;
  std::string action;  // release, discard, edit, login, account.*, rule.*, user.*, config.*
  int64_t emailId = 0;
  std::string details;  // JSON text
  std::string prevHash;
  std::string hash;  // SHA-256 over the previous hash and this entry's fields
};

struct AuditFilter {
  int64_t from = 0, to = 0;  // ms; 0 = open
  std::string user, action;
  int limit = 100;
  int64_t beforeSeq = 0;
};

struct AuditVerification {
  bool ok = true;
  int64_t entries = 0;
  int64_t firstBadSeq = 0;
};

// Append-only, hash-chained: changing or deleting an entry breaks verify() from there on.
class AuditRepository {
 public:
  explicit AuditRepository(std::shared_ptr<Database> db) : db_(std::move(db)) {}
  // An error value when the entry could not be written (disk full…): the caller's change
  // stands, and the caller says so in the log.
  common::Result<AuditEntry> append(const std::string& user, const std::string& action, int64_t emailId,
                                    const std::string& details, int64_t atMillis);
  common::Result<std::vector<AuditEntry>> list(const AuditFilter& filter);
  common::Result<AuditVerification> verify();
  static std::string entryHash(const AuditEntry& e);

 private:
  std::shared_ptr<Database> db_;
};

}  // namespace mg::store
