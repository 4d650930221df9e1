#include "ctl/OfflineStore.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <unistd.h>

#include "TempDir.h"
#include "crypto/PasswordHash.h"
#include "crypto/TokenHash.h"
#include "store/AuditRepository.h"
#include "store/Database.h"
#include "store/UserRepository.h"

namespace mg::ctl {
namespace {

// What the daemon does while it runs: an exclusive flock on data_dir/mailgated.lock.
class DaemonLock {
 public:
  explicit DaemonLock(const std::string& dataDir) {
    fd_ = ::open((dataDir + "/mailgated.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    EXPECT_GE(fd_, 0);
    EXPECT_EQ(::flock(fd_, LOCK_EX | LOCK_NB), 0);
  }
  ~DaemonLock() { ::close(fd_); }
  DaemonLock(const DaemonLock&) = delete;
  DaemonLock& operator=(const DaemonLock&) = delete;

 private:
  int fd_ = -1;
};

std::shared_ptr<store::Database> reopen(const test::TempDir& dir) {
  auto db = store::Database::open(dir.file("mailgate.db"));
  EXPECT_TRUE(db.ok()) << db.errorMessage();
  return std::move(db).value();
}

TEST(OfflineStoreTest, AddUserStoresAPbkdf2HashAndAnAuditEntry) {
  test::TempDir dir;
  {
    auto store = OfflineStore::open(dir.path());
    ASSERT_TRUE(store.ok()) << store.errorMessage();
    ASSERT_TRUE((*store)->addUser("alice", "correct horse battery", "admin", "cli:root").ok());
  }
  auto db = reopen(dir);
  auto user = store::UserRepository(db).findUser("alice").value();
  ASSERT_TRUE(user);
  EXPECT_EQ(user->role, "admin");
  EXPECT_TRUE(crypto::PasswordHash::verify("correct horse battery", user->passwordHash));
  EXPECT_GT(user->createdAt, 1'600'000'000'000);  // milliseconds, like the daemon writes
  store::AuditFilter all;
  const auto audit = store::AuditRepository(db).list(all).value();
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].action, "user.create");  // as the API writes it
  EXPECT_EQ(audit[0].user, "cli:root");
  EXPECT_TRUE(store::AuditRepository(db).verify().value().ok);
}

TEST(OfflineStoreTest, AddingAnExistingUserFails) {
  test::TempDir dir;
  auto store = OfflineStore::open(dir.path());
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->addUser("bob", "0123456789", "reviewer", "cli:root").ok());
  auto again = (*store)->addUser("bob", "9876543210", "admin", "cli:root");
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.message().find("user 'bob' already exists"), std::string::npos);
}

TEST(OfflineStoreTest, CreateTokenKeepsOnlyItsHash) {
  test::TempDir dir;
  std::string token;
  {
    auto store = OfflineStore::open(dir.path());
    ASSERT_TRUE(store.ok());
    auto created = (*store)->createToken("ci", "reviewer", "cli:root");
    ASSERT_TRUE(created.ok()) << created.errorMessage();
    token = *created;
    EXPECT_FALSE((*store)->createToken("ci", "admin", "cli:root").ok());  // names stay unique
  }
  EXPECT_TRUE(crypto::TokenHash::looksLikeToken(token));
  auto db = reopen(dir);
  auto record = store::UserRepository(db).findTokenByHash(crypto::TokenHash::hashToken(token)).value();
  ASSERT_TRUE(record);
  EXPECT_EQ(record->name, "ci");
  EXPECT_EQ(record->role, "reviewer");
  EXPECT_EQ(record->createdBy, "cli:root");
  EXPECT_EQ(record->tokenHash.find(token), std::string::npos);
}

TEST(OfflineStoreTest, RefusesWhileTheDaemonHoldsTheLock) {
  test::TempDir dir;
  DaemonLock daemon(dir.path());
  auto store = OfflineStore::open(dir.path());
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.errorMessage().find("mailgated is running"), std::string::npos) << store.errorMessage();
  EXPECT_EQ(store.errorMessage().find('\n'), std::string::npos);
  EXPECT_EQ(DataDirLock::tryAcquire(dir.path()).state(), DataDirLock::State::Busy);
}

TEST(OfflineStoreTest, HoldsTheLockUntilClosedSoTheDaemonCannotStart) {
  test::TempDir dir;
  {
    auto store = OfflineStore::open(dir.path());
    ASSERT_TRUE(store.ok());
    EXPECT_EQ(DataDirLock::tryAcquire(dir.path()).state(), DataDirLock::State::Busy);
  }
  EXPECT_EQ(DataDirLock::tryAcquire(dir.path()).state(), DataDirLock::State::Acquired);
}

TEST(OfflineStoreTest, MissingDataDirIsReported) {
  test::TempDir dir;
  auto lock = DataDirLock::tryAcquire(dir.file("nope"));
  EXPECT_EQ(lock.state(), DataDirLock::State::Failed);
  EXPECT_NE(lock.error().find("does not exist — check storage.data_dir"), std::string::npos) << lock.error();
}

}  // namespace
}  // namespace mg::ctl
