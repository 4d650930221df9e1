#include "store/MessageRepository.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>
#include <gtest/gtest.h>

#include "TempDir.h"

using namespace mg::store;

namespace {
MessageRecord sample(const std::string& spool, const std::string& subject = "hello") {
  MessageRecord m;
  m.status = status::kHeld;
  m.mailFrom = "a@example.org";
  m.rcptTo = {"b@example.org", "c@example.org"};
  m.subject = subject;
  m.receivedAt = 1000;
  m.size = 10;
  m.contentHash = "h-" + spool;
  m.spoolName = spool;
  return m;
}
}  // namespace

class MessageRepositoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = Database::open(dir_.file("m.db"));
    ASSERT_TRUE(db.ok());
    db_ = db.value();
    repo_ = std::make_unique<MessageRepository>(db_);
  }
  mg::test::TempDir dir_;
  std::shared_ptr<Database> db_;
  std::unique_ptr<MessageRepository> repo_;
};

TEST_F(MessageRepositoryTest, InsertAndGetRoundTripsEveryField) {
  auto m = sample("a.msg");
  m.releaseTo = {"x@y"};
  const int64_t id = repo_->insert(m).value();
  auto got = repo_->get(id).value();
  ASSERT_TRUE(got);
  EXPECT_EQ(got->rcptTo, m.rcptTo);
  EXPECT_EQ(got->subject, "hello");
  EXPECT_EQ(got->status, "held");
  EXPECT_EQ(got->releaseTo, m.releaseTo);
  EXPECT_EQ(repo_->versions(id).value().size(), 1u);
  EXPECT_FALSE(repo_->get(id + 100).value());
}

TEST_F(MessageRepositoryTest, TransitionIsGuardedByTheExpectedStatus) {
  const int64_t id = repo_->insert(sample("a.msg")).value();
  EXPECT_TRUE(repo_->transition(id, {status::kHeld}, status::kReleasing).value());
  EXPECT_FALSE(repo_->transition(id, {status::kHeld}, status::kReleasing).value());  // the loser
  MessageRepository::Change c;
  c.failureReason = "upstream down";
  EXPECT_TRUE(repo_->transition(id, {status::kReleasing}, status::kReleaseFailed, c).value());
  EXPECT_EQ(repo_->get(id).value()->failureReason, "upstream down");
}

TEST_F(MessageRepositoryTest, ListFiltersNewestFirstWithCursor) {
  for (int i = 0; i < 5; ++i) repo_->insert(sample("m" + std::to_string(i) + ".msg", i == 3 ? "invoice" : "note")).value();
  MessageFilter f;
  f.limit = 2;
  auto page = repo_->list(f).value();
  ASSERT_EQ(page.size(), 2u);
  EXPECT_GT(page[0].id, page[1].id);
  f.beforeId = page[1].id;
  auto next = repo_->list(f).value();
  ASSERT_EQ(next.size(), 2u);
  EXPECT_LT(next[0].id, page[1].id);
  MessageFilter q;
  q.query = "invoice";
  EXPECT_EQ(repo_->list(q).value().size(), 1u);
  MessageFilter s;
  s.status = "released";
  EXPECT_TRUE(repo_->list(s).value().empty());
}

TEST_F(MessageRepositoryTest, ListCombinesEveryFilter) {
  for (int i = 0; i < 6; ++i) {
    auto m = sample("c" + std::to_string(i) + ".msg", i % 2 ? "invoice" : "note");
    m.source = i < 3 ? "smtp" : "imap";
    m.accountId = i < 3 ? 0 : 7;
    if (i == 5) m.status = "released";
    repo_->insert(m).value();
  }
  MessageFilter f;
  f.status = "held";
  f.source = "imap";
  f.accountId = 7;
  f.query = "invoice";
  auto rows = repo_->list(f).value();
  ASSERT_EQ(rows.size(), 1u);  // c3: imap, account 7, invoice, held (c5 is released)
  EXPECT_EQ(rows[0].spoolName, "c3.msg");
  f.beforeId = rows[0].id;
  EXPECT_TRUE(repo_->list(f).value().empty());
}

// The held list is walked down the (status, id) index from the cursor: a page costs the same
// at any depth, however much released mail lies between (CONTRACT: pagination with 10,000 held).
TEST_F(MessageRepositoryTest, HeldPageUsesTheStatusIndex) {
  MessageFilter f;
  f.status = "held";
  f.beforeId = 100;
  std::string plan;
  auto ran = db_->attempt("plan", [&](Poco::Data::Session& s) {
    Poco::Data::Statement st(s);
    // Bound as list() binds them: status, cursor, limit.
    st << "EXPLAIN QUERY PLAN " + MessageRepository::listSql(f), Poco::Data::Keywords::bind(f.status),
        Poco::Data::Keywords::bind(Poco::Int64(f.beforeId)), Poco::Data::Keywords::bind(51);
    st.execute();
    Poco::Data::RecordSet rs(st);
    for (size_t r = 0; r < rs.rowCount(); ++r) plan += rs.value(rs.columnCount() - 1, r).convert<std::string>() + "\n";
    return true;
  });
  ASSERT_TRUE(ran.ok()) << ran.errorMessage();
  EXPECT_NE(plan.find("INDEX messages_status (status=? AND id<?)"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << "no sort: " << plan;
}

TEST_F(MessageRepositoryTest, VersionsOnlyForEditableMessages) {
  const int64_t id = repo_->insert(sample("a.msg")).value();
  MessageVersion v;
  v.spoolName = "a.v2.msg";
  v.contentHash = "h2";
  v.createdBy = "op";
  EXPECT_EQ(repo_->addVersion(id, v, "new subject").value(), 2);
  EXPECT_EQ(repo_->get(id).value()->subject, "new subject");
  EXPECT_EQ(repo_->get(id).value()->currentVersion, 2);
  ASSERT_TRUE(repo_->transition(id, {status::kHeld}, status::kReleasing).value());
  v.spoolName = "a.v3.msg";
  EXPECT_EQ(repo_->addVersion(id, v, "too late").value(), 0);
  EXPECT_EQ(repo_->allSpoolNames().value().count("a.v2.msg"), 1u);
}

TEST_F(MessageRepositoryTest, ImapOriginAndQuarantineLocationAreKeptApart) {
  auto m = sample("imap.msg");
  m.source = "imap";
  m.imapUid = 41;
  m.imapUidValidity = 7;
  const int64_t id = repo_->insert(m).value();
  auto other = sample("imap2.msg");
  other.source = "imap";
  other.imapUid = 42;
  other.imapUidValidity = 7;
  const int64_t id2 = repo_->insert(other).value();

  ASSERT_TRUE(repo_->findImapOrigin(0, 7, 41).value().has_value());
  EXPECT_EQ(repo_->findImapOrigin(0, 7, 41).value()->id, id);
  EXPECT_FALSE(repo_->findImapOrigin(0, 8, 41).value().has_value());  // another UIDVALIDITY: another message
  EXPECT_EQ(repo_->imapUnplaced(0, 10).value().size(), 2u);

  EXPECT_TRUE(repo_->setImapLocation(id, 900, 3).value());
  ASSERT_TRUE(repo_->setImapLocations(900, {{id2, 4}}).ok());
  auto got = repo_->get(id2).value();
  EXPECT_EQ(got->imapFolderUid, 4);
  EXPECT_EQ(got->imapFolderUidValidity, 900);
  EXPECT_EQ(got->imapUid, 42);  // the origin stays
  EXPECT_TRUE(repo_->imapUnplaced(0, 10).value().empty());
}

TEST_F(MessageRepositoryTest, AStoreFailureIsAnErrorValueNamingTheOperationNotAnException) {
  const int64_t id = repo_->insert(sample("a.msg")).value();
  db_->setFaultForTest([](const std::string& op) {
    return op == "changing the status" ? std::string("database or disk is full") : std::string();
  });
  auto claim = repo_->transition(id, {status::kHeld}, status::kReleasing);
  ASSERT_FALSE(claim.ok());
  EXPECT_EQ(claim.errorMessage(), "changing the status: database or disk is full");
  EXPECT_EQ(repo_->get(id).value()->status, "held");  // reads still work, nothing changed
  db_->setFaultForTest(nullptr);
  EXPECT_TRUE(repo_->transition(id, {status::kHeld}, status::kReleasing).value());
}

TEST_F(MessageRepositoryTest, SqliteErrorsBecomeErrorValues) {
  // A real SQLite failure, not an injected one: the UNIQUE spool name refused, and rolled back.
  ASSERT_TRUE(repo_->insert(sample("same.msg")).ok());
  auto again = repo_->insert(sample("same.msg"));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.errorMessage().rfind("recording the message: ", 0), 0u) << again.errorMessage();
  EXPECT_EQ(repo_->list({}).value().size(), 1u);
}
