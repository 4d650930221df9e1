#include "ctl/OfflineStore.h"

#include <iostream>

#include <Poco/Exception.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/PasswordHash.h"
#include "crypto/TokenHash.h"
#include "store/AuditRepository.h"
#include "store/Database.h"
#include "store/UserRepository.h"

namespace mg::ctl {
namespace {

std::string jsonString(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;  // names are checked to be plain by the argument parser
  }
  return out + "\"";
}

}  // namespace

common::Result<std::unique_ptr<OfflineStore>> OfflineStore::open(const std::string& dataDir) {
  DataDirLock lock = DataDirLock::tryAcquire(dataDir);
  if (!lock.acquired()) return common::Result<std::unique_ptr<OfflineStore>>::error(lock.error());
  return open(std::move(lock), dataDir);
}

common::Result<std::unique_ptr<OfflineStore>> OfflineStore::open(DataDirLock lock, const std::string& dataDir) {
  using R = common::Result<std::unique_ptr<OfflineStore>>;
  if (!lock.acquired()) return R::error(lock.error().empty() ? "the data dir is not locked" : lock.error());
  auto db = store::Database::open(dataDir + "/" + kDatabaseFileName);
  if (!db) return R::error(db.errorMessage());
  return std::unique_ptr<OfflineStore>(new OfflineStore(std::move(lock), dataDir, std::move(db).value()));
}

OfflineStore::OfflineStore(DataDirLock lock, std::string dataDir, std::shared_ptr<store::Database> db)
    : lock_(std::move(lock)), dataDir_(std::move(dataDir)), db_(std::move(db)), clock_(&common::SystemClock::instance()) {}

OfflineStore::~OfflineStore() {
  db_.reset();  // closes SQLite (checkpointing the WAL) before ownership is fixed and the lock dropped
  handOverOwnership();
}

// Run as root on a fresh device, this command may have created mailgate.db (or its WAL) owned
// by root, which mailgated (running as its own user) could then not write. Give what root
// created in the data dir to the data dir's owner.
void OfflineStore::handOverOwnership() {
  if (::geteuid() != 0) return;
  struct stat dir {};
  if (::stat(dataDir_.c_str(), &dir) != 0 || dir.st_uid == 0) return;
  for (const char* name : {kDatabaseFileName, "mailgate.db-wal", "mailgate.db-shm", DataDirLock::kFileName}) {
    const std::string path = dataDir_ + "/" + name;
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == 0) {
      if (::chown(path.c_str(), dir.st_uid, dir.st_gid) != 0) {
        // Best effort: mailgated names the file it cannot open if this ever fails.
      }
    }
  }
}

common::Status OfflineStore::addUser(const std::string& username, const std::string& password, const std::string& role,
                                     const std::string& actor) {
  try {
    store::UserRepository users(db_);
    store::UserRecord record;
    record.username = username;
    record.passwordHash = crypto::PasswordHash::hash(password);
    record.role = role;
    record.createdAt = clock_->nowMillis();
    auto added = users.addUser(record);
    if (!added) return added.status().withContext("adding user '" + username + "' to " + db_->path());
    if (!added.value())
      return common::Status::error("user '" + username + "' already exists — 'user passwd' changes a password");
    // Same action and details as the API's POST /api/v1/users, so the audit log reads alike.
    auto audited = store::AuditRepository(db_).append(actor, "user.create", 0,
                                                      "{\"username\":" + jsonString(username) + ",\"role\":" +
                                                          jsonString(role) + ",\"via\":\"mailgatectl offline\"}",
                                                      record.createdAt);
    if (!audited) return common::Status::error("user '" + username + "' was added, but " + audited.errorMessage());
    return common::Status::success();
  } catch (const Poco::Exception& e) {
    return common::Status::error("adding user '" + username + "' to " + db_->path() + ": " + e.displayText());
  } catch (const std::exception& e) {
    return common::Status::error("adding user '" + username + "' to " + db_->path() + ": " + e.what());
  }
}

common::Result<std::string> OfflineStore::createToken(const std::string& name, const std::string& role,
                                                      const std::string& actor) {
  try {
    store::UserRepository users(db_);
    auto existing = users.tokens();
    if (!existing) return existing.status().withContext("creating token '" + name + "' in " + db_->path());
    for (const auto& t : existing.value()) {
      if (t.name == name)
        return common::Result<std::string>::error("a token named '" + name + "' already exists — choose another name");
    }
    const std::string token = crypto::TokenHash::generateToken();
    store::TokenRecord record;
    record.name = name;
    record.tokenHash = crypto::TokenHash::hashToken(token);
    record.role = role;
    record.createdBy = actor;
    record.createdAt = clock_->nowMillis();
    auto added = users.addToken(record);
    if (!added) return added.status().withContext("creating token '" + name + "' in " + db_->path());
    const int64_t id = added.value();
    auto audited = store::AuditRepository(db_).append(
        actor, "token.create", 0,
        "{\"id\":" + std::to_string(id) + ",\"name\":" + jsonString(name) + ",\"role\":" + jsonString(role) +
            ",\"via\":\"mailgatectl offline\"}",
        record.createdAt);
    // The token exists and works and is shown only now, so it is returned; the missing audit
    // entry is said on stderr.
    if (!audited) std::cerr << "mailgatectl: warning: token '" << name << "' was created, but " << audited.errorMessage() << "\n";
    return token;
  } catch (const Poco::Exception& e) {
    return common::Result<std::string>::error("creating token '" + name + "' in " + db_->path() + ": " + e.displayText());
  } catch (const std::exception& e) {
    return common::Result<std::string>::error("creating token '" + name + "' in " + db_->path() + ": " + e.what());
  }
}

}  // namespace mg::ctl
