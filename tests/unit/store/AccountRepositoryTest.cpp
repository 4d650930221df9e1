#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include <gtest/gtest.h>

#include "TempDir.h"
#include "store/AccountRepository.h"
#include "store/Migrations.h"
#include "store/WatcherStateRepository.h"

using namespace mg::store;
using namespace Poco::Data::Keywords;

namespace {

class AccountRepositoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Database::open(dir_.file("m.db"));
    ASSERT_TRUE(opened.ok()) << opened.errorMessage();
    db_ = opened.value();
    repo_ = std::make_unique<AccountRepository>(db_);
  }

  static AccountRecord account(const std::string& name) {
    AccountRecord r;
    r.name = name;
    r.host = "imap.example.org";
    r.port = 993;
    r.tls = "implicit";
    r.username = "user@example.org";
    r.createdAt = r.updatedAt = 1'700'000'000'000;
    return r;
  }

  int64_t insert(const std::string& name) {
    AccountRecord r = account(name);
    EXPECT_EQ(repo_->insert(r, [](int64_t id) { return "v1:sealed-for-" + std::to_string(id); }).value(),
              AccountRepository::Change::Done);
    return r.id;
  }

  mg::test::TempDir dir_;
  std::shared_ptr<Database> db_;
  std::unique_ptr<AccountRepository> repo_;
};

TEST_F(AccountRepositoryTest, InsertSealsWithTheNewIdInsideTheTransaction) {
  AccountRecord r = account("work");
  int64_t sealedFor = 0;
  ASSERT_EQ(repo_->insert(r,
                          [&](int64_t id) {
                            sealedFor = id;
                            return std::string("v1:blob");
                          }).value(),
            AccountRepository::Change::Done);
  EXPECT_GT(r.id, 0);
  EXPECT_EQ(sealedFor, r.id);
  auto got = repo_->get(r.id).value();
  ASSERT_TRUE(got);
  EXPECT_EQ(got->name, "work");
  EXPECT_EQ(got->passwordSealed, "v1:blob");
  EXPECT_EQ(got->quarantineFolder, "Quarantine");
  EXPECT_EQ(got->intercept, "rules");
  EXPECT_TRUE(got->enabled);
  EXPECT_EQ(got->lastTestAt, 0);
}

TEST_F(AccountRepositoryTest, AFailedSealLeavesNoRow) {
  AccountRecord r = account("work");
  auto added = repo_->insert(r, [](int64_t) -> std::string { throw std::runtime_error("no entropy"); });
  ASSERT_FALSE(added.ok());  // an error value, not an exception out of the store
  EXPECT_EQ(added.errorMessage(), "adding the account: no entropy");
  EXPECT_TRUE(repo_->all().value().empty());
}

TEST_F(AccountRepositoryTest, NamesAreUniqueWithoutRegardToCase) {
  const int64_t work = insert("Work");
  AccountRecord dup = account("work");
  EXPECT_EQ(repo_->insert(dup, [](int64_t) { return std::string("v1:x"); }).value(), AccountRepository::Change::NameTaken);
  const int64_t home = insert("home");
  auto h = repo_->get(home).value();
  ASSERT_TRUE(h);
  h->name = "WORK";
  EXPECT_EQ(repo_->update(*h).value(), AccountRepository::Change::NameTaken);
  auto w = repo_->get(work).value();
  w->name = "work";  // renaming an account to another case of its own name is fine
  EXPECT_EQ(repo_->update(*w).value(), AccountRepository::Change::Done);
  EXPECT_EQ(repo_->findByName("WoRk").value()->id, work);
}

TEST_F(AccountRepositoryTest, UpdateRemoveAndListByName) {
  const int64_t b = insert("b");
  const int64_t a = insert("a");
  auto all = repo_->all().value();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].id, a);
  EXPECT_EQ(all[1].id, b);

  auto r = repo_->get(b).value();
  r->host = "mail.example.net";
  r->port = 143;
  r->tls = "starttls";
  r->intercept = "all";
  r->enabled = false;
  r->passwordSealed = "v1:new";
  r->updatedAt = 1'700'000'001'000;
  EXPECT_EQ(repo_->update(*r).value(), AccountRepository::Change::Done);
  auto got = repo_->get(b).value();
  EXPECT_EQ(got->host, "mail.example.net");
  EXPECT_EQ(got->port, 143);
  EXPECT_EQ(got->tls, "starttls");
  EXPECT_EQ(got->intercept, "all");
  EXPECT_FALSE(got->enabled);
  EXPECT_EQ(got->passwordSealed, "v1:new");
  EXPECT_EQ(got->createdAt, 1'700'000'000'000);

  r->id = 999;
  r->name = "gone";
  EXPECT_EQ(repo_->update(*r).value(), AccountRepository::Change::NotFound);
  EXPECT_TRUE(repo_->remove(b).value());
  EXPECT_FALSE(repo_->remove(b).value());
  EXPECT_FALSE(repo_->get(b).value());
}

TEST_F(AccountRepositoryTest, TheSchemaRefusesBadEnumsAndPorts) {
  AccountRecord r = account("x");
  r.tls = "ssl";
  EXPECT_FALSE(repo_->insert(r, [](int64_t) { return std::string("v1:x"); }).ok());  // CHECK refuses it
  r = account("y");
  r.port = 70000;
  EXPECT_FALSE(repo_->insert(r, [](int64_t) { return std::string("v1:x"); }).ok());
  EXPECT_TRUE(repo_->all().value().empty());
}

TEST_F(AccountRepositoryTest, RecordTestMovesLastOkOnlyOnSuccess) {
  const int64_t id = insert("t");
  EXPECT_TRUE(repo_->recordTest(id, true, 1000).value());
  EXPECT_TRUE(repo_->recordTest(id, false, 2000).value());
  auto r = repo_->get(id).value();
  EXPECT_EQ(r->lastTestAt, 2000);
  EXPECT_EQ(r->lastTestOkAt, 1000);
  EXPECT_FALSE(repo_->recordTest(12345, true, 3000).value());
}

TEST_F(AccountRepositoryTest, OpenMessageCountSeesHeldAndReleasingOnly) {
  const int64_t id = insert("m");
  db_->locked([&](Poco::Data::Session& s) {
    int n = 0;
    for (const char* status : {"held", "release_failed", "released", "discarded"}) {
      s << "INSERT INTO messages (source, account_id, status, received_at, size, content_hash, spool_name, updated_at) "
           "VALUES ('imap', ?, ?, 0, 1, 'h', ?, 0)",
          bind(Poco::Int64(id)), bind(std::string(status)), bind("spool-" + std::to_string(n++)), now;
    }
    return 0;
  });
  EXPECT_EQ(repo_->openMessageCount(id).value(), 2);
  EXPECT_EQ(repo_->openMessageCount(id + 1).value(), 0);
}

TEST_F(AccountRepositoryTest, WatcherStateIsPerAccountAndGoesWithIt) {
  WatcherStateRepository states(db_);
  const int64_t id = insert("w");
  EXPECT_FALSE(states.get(id).value());
  EXPECT_TRUE(states.set(id, 1234, 10, 5000).value());
  EXPECT_TRUE(states.set(id, 1234, 42, 6000).value());  // upsert
  auto s = states.get(id).value();
  ASSERT_TRUE(s);
  EXPECT_EQ(s->uidValidity, 1234);
  EXPECT_EQ(s->lastUid, 42);
  EXPECT_EQ(s->updatedAt, 6000);
  EXPECT_FALSE(states.set(id + 100, 1, 1, 1).value()) << "no state for an account that does not exist";
  EXPECT_TRUE(repo_->remove(id).value());
  EXPECT_FALSE(states.get(id).value()) << "ON DELETE CASCADE";
  const int64_t other = insert("w2");
  EXPECT_TRUE(states.set(other, 1, 2, 3).value());
  EXPECT_TRUE(states.clear(other).value());
  EXPECT_FALSE(states.get(other).value());
}

TEST(AccountMigrationTest, VersionTwoAppliesToAnExistingVersionOneDatabase) {
  mg::test::TempDir dir;
  const std::string path = dir.file("old.db");
  {
    // A database as mailgated with schema 1 left it, with a message in it.
    Poco::Data::SQLite::Connector::registerConnector();
    Poco::Data::Session s("SQLite", path);
    s << "PRAGMA journal_mode=WAL", now;
    for (const auto& sql : migrations().at(0)) s << sql, now;
    s << "PRAGMA user_version=1", now;
    s << "INSERT INTO messages (source, status, received_at, size, content_hash, spool_name, updated_at) "
         "VALUES ('smtp', 'held', 1, 10, 'h', 'kept', 1)",
        now;
  }
  auto db = Database::open(path);
  ASSERT_TRUE(db.ok()) << db.errorMessage();
  EXPECT_EQ((*db)->schemaVersion().value(), static_cast<int>(migrations().size()));
  EXPECT_GE((*db)->schemaVersion().value(), 2);
  int messages = (*db)->locked([](Poco::Data::Session& s) {
    int n = 0;
    s << "SELECT COUNT(*) FROM messages WHERE spool_name = 'kept'", into(n), now;
    return n;
  });
  EXPECT_EQ(messages, 1);
  AccountRepository repo(*db);
  AccountRecord r;
  r.name = "after-upgrade";
  r.host = "imap.example.org";
  r.username = "u";
  EXPECT_EQ(repo.insert(r, [](int64_t) { return std::string("v1:x"); }).value(), AccountRepository::Change::Done);
  EXPECT_EQ(repo.all().value().size(), 1u);
}

}  // namespace
