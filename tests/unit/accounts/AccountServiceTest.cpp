#include <Poco/Data/Session.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <iterator>

#include "TempDir.h"
#include "accounts/AccountService.h"
#include "store/Database.h"

namespace mg::accounts {
namespace {

using namespace Poco::Data::Keywords;

const std::string kCanary = "S3cret-Canary-Pass-123";

std::shared_ptr<const crypto::SecretBox> box(char keyByte) {
  return std::make_shared<const crypto::SecretBox>(crypto::DeviceKey::fromBytes(std::string(32, keyByte)).value());
}

std::string fileBytes(const std::string& path) {
  // rdbuf() into a stream, not istreambuf_iterator: GCC 12 -O2 warns (falsely) of a null
  // dereference inside the iterator, which -Werror turns into a failed cross build.
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

class FakeProbe : public AccountProbe {
 public:
  std::vector<ProbeStage> stages;
  AccountSettings seen{};
  bool throws = false;
  std::vector<ProbeStage> test(const AccountSettings& s) override {
    seen = s;
    if (throws) throw std::runtime_error("boom");
    return stages;
  }
};

std::vector<ProbeStage> allStages(bool loginOk = true) {
  std::vector<ProbeStage> s = {{"connect", true, 3, ""},
                               {"tls", true, 10, ""},
                               {"login", loginOk, 20, loginOk ? "" : "NO [AUTHENTICATIONFAILED]"}};
  if (loginOk) {
    s.push_back({"list", true, 4, ""});
    s.push_back({"quarantine", true, 2, ""});
  }
  return s;
}

class AccountServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = store::Database::open(dir_.file("mailgate.db"));
    ASSERT_TRUE(opened.ok()) << opened.errorMessage();
    db_ = opened.value();
    repo_ = std::make_shared<store::AccountRepository>(db_);
    audit_ = std::make_shared<store::AuditRepository>(db_);
    service_ = std::make_unique<AccountService>(repo_, audit_, box('k'), nullptr, &clock_);
  }

  static AccountChanges valid(const std::string& name = "work") {
    AccountChanges c;
    c.name = name;
    c.host = "imap.example.org";
    c.username = "alice@example.org";
    c.password = kCanary;
    return c;
  }

  int64_t create(const std::string& name = "work") {
    auto r = service_->create(valid(name), "admin");
    EXPECT_TRUE(r.ok()) << r.detail;
    return r.account.id;
  }

  void expectInvalid(AccountChanges c, const std::string& fragment) {
    auto r = service_->create(c, "admin");
    EXPECT_EQ(r.failure, Failure::Invalid) << fragment;
    EXPECT_NE(r.detail.find(fragment), std::string::npos) << r.detail;
    EXPECT_EQ(r.detail.find(kCanary), std::string::npos);
  }

  mg::test::TempDir dir_;
  common::ManualClock clock_;
  std::shared_ptr<store::Database> db_;
  std::shared_ptr<store::AccountRepository> repo_;
  std::shared_ptr<store::AuditRepository> audit_;
  std::unique_ptr<AccountService> service_;
};

TEST_F(AccountServiceTest, CreateAppliesDefaults) {
  auto r = service_->create(valid(), "admin");
  ASSERT_TRUE(r.ok()) << r.detail;
  EXPECT_GT(r.account.id, 0);
  EXPECT_EQ(r.account.port, 993);
  EXPECT_EQ(r.account.tls, "implicit");
  EXPECT_EQ(r.account.quarantineFolder, "Quarantine");
  EXPECT_EQ(r.account.intercept, "rules");
  EXPECT_TRUE(r.account.enabled);
  EXPECT_EQ(r.account.createdAt, clock_.nowMillis());

  AccountChanges starttls = valid("other");
  starttls.tls = "starttls";
  auto s = service_->create(starttls, "admin");
  ASSERT_TRUE(s.ok()) << s.detail;
  EXPECT_EQ(s.account.port, 143);
  EXPECT_EQ(service_->list().value().size(), 2u);
}

TEST_F(AccountServiceTest, ValidationNamesTheFieldAndNeverThePassword) {
  auto c = valid();
  c.name = "";
  expectInvalid(c, "'name'");
  c = valid();
  c.name = std::string(65, 'n');
  expectInvalid(c, "'name'");
  c = valid();
  c.host = "";
  expectInvalid(c, "'host'");
  c = valid();
  c.host = "imap.example.org/evil";
  expectInvalid(c, "'host'");
  c = valid();
  c.port = 0;
  expectInvalid(c, "'port'");
  c = valid();
  c.port = 65536;
  expectInvalid(c, "'port'");
  c = valid();
  c.port = int64_t{1} << 33;  // must not wrap into a valid port
  expectInvalid(c, "'port'");
  c = valid();
  c.tls = "ssl";
  expectInvalid(c, "'tls'");
  c = valid();
  c.intercept = "some";
  expectInvalid(c, "'intercept'");
  c = valid();
  c.username = "";
  expectInvalid(c, "'username'");
  c = valid();
  c.username = "a\r\nb";
  expectInvalid(c, "'username'");
  c = valid();
  c.quarantineFolder = "";
  expectInvalid(c, "'quarantine_folder'");
  c = valid();
  c.password.reset();
  expectInvalid(c, "'password' is required");
  c = valid();
  c.password = "";
  expectInvalid(c, "'password'");
  c = valid();
  c.password = kCanary + "\n";
  expectInvalid(c, "'password'");
  EXPECT_TRUE(service_->list().value().empty());
}

TEST_F(AccountServiceTest, TheDatabaseFilesHoldNoPlaintextPassword) {
  const int64_t id = create();
  auto pw = service_->passwordFor(id);
  ASSERT_TRUE(pw.ok()) << pw.errorMessage();
  EXPECT_EQ(*pw, kCanary);
  auto row = repo_->get(id).value();
  ASSERT_TRUE(row);
  EXPECT_TRUE(crypto::SecretBox::looksSealed(row->passwordSealed));
  EXPECT_EQ(row->passwordSealed.find(kCanary), std::string::npos);
  // Both the main file and the WAL (where a fresh commit lives until a checkpoint).
  const std::string bytes = fileBytes(dir_.file("mailgate.db")) + fileBytes(dir_.file("mailgate.db-wal"));
  ASSERT_FALSE(bytes.empty());
  EXPECT_EQ(bytes.find(kCanary), std::string::npos);
  EXPECT_EQ(bytes.find("Canary"), std::string::npos);
  // And the audit log says what happened without it.
  for (const auto& e : audit_->list({}).value()) EXPECT_EQ(e.details.find(kCanary), std::string::npos) << e.details;
}

TEST_F(AccountServiceTest, AnotherDeviceKeyCannotOpenThePasswordAndSaysWhatToDo) {
  const int64_t id = create();
  AccountService otherKey(repo_, audit_, box('z'), nullptr, &clock_);
  auto pw = otherKey.passwordFor(id);
  ASSERT_FALSE(pw.ok());
  EXPECT_NE(pw.errorMessage().find("cannot be opened"), std::string::npos) << pw.errorMessage();
  EXPECT_NE(pw.errorMessage().find("secret.key"), std::string::npos) << pw.errorMessage();
  EXPECT_NE(pw.errorMessage().find("account " + std::to_string(id)), std::string::npos);
  EXPECT_FALSE(otherKey.settingsFor(id).ok());
  EXPECT_FALSE(service_->passwordFor(9999).ok());
}

TEST_F(AccountServiceTest, ABlobCopiedToAnotherAccountDoesNotOpenThere) {
  const int64_t a = create("a");
  const int64_t b = create("b");
  auto rowA = repo_->get(a).value();
  auto rowB = repo_->get(b).value();
  rowB->passwordSealed = rowA->passwordSealed;
  ASSERT_EQ(repo_->update(*rowB).value(), store::AccountRepository::Change::Done);
  EXPECT_TRUE(service_->passwordFor(a).ok());
  EXPECT_FALSE(service_->passwordFor(b).ok());
}

TEST_F(AccountServiceTest, UpdateKeepsThePasswordUnlessGivenAndChecksNames) {
  const int64_t id = create();
  const std::string blob = repo_->get(id).value()->passwordSealed;
  AccountChanges c;
  c.intercept = "all";
  c.enabled = false;
  auto r = service_->update(id, c, "admin");
  ASSERT_TRUE(r.ok()) << r.detail;
  EXPECT_EQ(r.account.intercept, "all");
  EXPECT_FALSE(r.account.enabled);
  EXPECT_EQ(r.account.host, "imap.example.org");
  EXPECT_EQ(repo_->get(id).value()->passwordSealed, blob);
  EXPECT_EQ(*service_->passwordFor(id), kCanary);

  c = {};
  c.password = "another-password";
  ASSERT_TRUE(service_->update(id, c, "admin").ok());
  EXPECT_NE(repo_->get(id).value()->passwordSealed, blob);
  EXPECT_EQ(*service_->passwordFor(id), "another-password");

  // tls changed with the port at the old default: the port follows.
  c = {};
  c.tls = "starttls";
  EXPECT_EQ(service_->update(id, c, "admin").account.port, 143);

  create("home");
  c = {};
  c.name = "HOME";
  EXPECT_EQ(service_->update(id, c, "admin").failure, Failure::Conflict);
  c = {};
  c.port = 0;
  EXPECT_EQ(service_->update(id, c, "admin").failure, Failure::Invalid);
  EXPECT_EQ(service_->update(9999, {}, "admin").failure, Failure::NotFound);
  EXPECT_EQ(service_->create(valid("Home"), "admin").failure, Failure::Conflict);
}

TEST_F(AccountServiceTest, RemoveRefusesWhileMessagesAreHeld) {
  const int64_t id = create();
  db_->locked([&](Poco::Data::Session& s) {
    s << "INSERT INTO messages (source, account_id, status, received_at, size, content_hash, spool_name, updated_at) "
         "VALUES ('imap', ?, 'held', 0, 1, 'h', 's1', 0)",
        bind(Poco::Int64(id)), now;
    return 0;
  });
  auto r = service_->remove(id, "admin");
  EXPECT_EQ(r.failure, Failure::Conflict);
  EXPECT_NE(r.detail.find("1 held"), std::string::npos) << r.detail;
  db_->locked([&](Poco::Data::Session& s) {
    s << "UPDATE messages SET status = 'discarded'", now;
    return 0;
  });
  EXPECT_TRUE(service_->remove(id, "admin").ok());
  EXPECT_FALSE(service_->get(id).value());
  EXPECT_EQ(service_->remove(id, "admin").failure, Failure::NotFound);
}

TEST_F(AccountServiceTest, ChangesAreAuditedAndAnnounced) {
  std::vector<int64_t> announced;
  service_->subscribe([&](int64_t id) { announced.push_back(id); });
  const int64_t id = create();
  AccountChanges c;
  c.password = "rotated-password";
  ASSERT_TRUE(service_->update(id, c, "bob").ok());
  ASSERT_TRUE(service_->remove(id, "bob").ok());
  EXPECT_EQ(announced, (std::vector<int64_t>{id, id, id}));
  std::vector<std::string> actions;
  for (const auto& e : audit_->list({}).value()) {
    actions.push_back(e.action);
    EXPECT_EQ(e.details.find(kCanary), std::string::npos);
    EXPECT_EQ(e.details.find("rotated-password"), std::string::npos);
  }
  // Newest first.
  EXPECT_EQ(actions, (std::vector<std::string>{"account.delete", "account.update", "account.create"}));
  EXPECT_NE(audit_->list({}).value()[1].details.find("\"password_changed\":true"), std::string::npos);
}

TEST_F(AccountServiceTest, TestRunsTheProbeWithTheClearPasswordAndRecordsTheOutcome) {
  const int64_t id = create();
  FakeProbe probe;
  probe.stages = allStages();
  clock_.advance(1000);
  auto ok = service_->test(id, probe, "admin");
  EXPECT_EQ(ok.failure, Failure::None);
  EXPECT_TRUE(ok.ok);
  EXPECT_EQ(ok.stages.size(), 5u);
  EXPECT_EQ(probe.seen.password, kCanary);
  EXPECT_EQ(probe.seen.host, "imap.example.org");
  EXPECT_EQ(probe.seen.port, 993);
  const int64_t okAt = clock_.nowMillis();
  EXPECT_EQ(service_->get(id).value()->lastTestOkAt, okAt);

  clock_.advance(1000);
  probe.stages = allStages(false);
  auto bad = service_->test(id, probe, "admin");
  EXPECT_FALSE(bad.ok);
  EXPECT_EQ(bad.stages.back().error, "NO [AUTHENTICATIONFAILED]");
  EXPECT_EQ(service_->get(id).value()->lastTestAt, clock_.nowMillis());
  EXPECT_EQ(service_->get(id).value()->lastTestOkAt, okAt);
  EXPECT_NE(audit_->list({}).value()[0].details.find("\"failed_stage\":\"login\""), std::string::npos);

  // A probe that reports fewer stages than the five, all "ok", has not passed.
  probe.stages = {{"connect", true, 1, ""}};
  EXPECT_FALSE(service_->test(id, probe, "admin").ok);
  // One that throws is a failed stage, not an exception.
  probe.throws = true;
  auto thrown = service_->test(id, probe, "admin");
  EXPECT_FALSE(thrown.ok);
  ASSERT_EQ(thrown.stages.size(), 1u);
  EXPECT_NE(thrown.stages[0].error.find("boom"), std::string::npos);

  EXPECT_EQ(service_->test(9999, probe, "admin").failure, Failure::NotFound);
  AccountService otherKey(repo_, audit_, box('z'), nullptr, &clock_);
  EXPECT_EQ(otherKey.test(id, probe, "admin").failure, Failure::Unusable);
}

}  // namespace
}  // namespace mg::accounts
