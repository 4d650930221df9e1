#include "store/MessageRepository.h"

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
    repo_ = std::make_unique<MessageRepository>(db.value());
  }
  mg::test::TempDir dir_;
  std::unique_ptr<MessageRepository> repo_;
};

TEST_F(MessageRepositoryTest, InsertAndGetRoundTripsEveryField) {
  auto m = sample("a.msg");
  m.releaseTo = {"x@y"};
  const int64_t id = repo_->insert(m);
  auto got = repo_->get(id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->rcptTo, m.rcptTo);
  EXPECT_EQ(got->subject, "hello");
  EXPECT_EQ(got->status, "held");
  EXPECT_EQ(got->releaseTo, m.releaseTo);
  EXPECT_EQ(repo_->versions(id).size(), 1u);
  EXPECT_FALSE(repo_->get(id + 100));
}

TEST_F(MessageRepositoryTest, TransitionIsGuardedByTheExpectedStatus) {
  const int64_t id = repo_->insert(sample("a.msg"));
  EXPECT_TRUE(repo_->transition(id, {status::kHeld}, status::kReleasing));
  EXPECT_FALSE(repo_->transition(id, {status::kHeld}, status::kReleasing));  // the loser
  MessageRepository::Change c;
  c.failureReason = "upstream down";
  EXPECT_TRUE(repo_->transition(id, {status::kReleasing}, status::kReleaseFailed, c));
  EXPECT_EQ(repo_->get(id)->failureReason, "upstream down");
}

TEST_F(MessageRepositoryTest, ListFiltersNewestFirstWithCursor) {
  for (int i = 0; i < 5; ++i) repo_->insert(sample("m" + std::to_string(i) + ".msg", i == 3 ? "invoice" : "note"));
  MessageFilter f;
  f.limit = 2;
  auto page = repo_->list(f);
  ASSERT_EQ(page.size(), 2u);
  EXPECT_GT(page[0].id, page[1].id);
  f.beforeId = page[1].id;
  auto next = repo_->list(f);
  ASSERT_EQ(next.size(), 2u);
  EXPECT_LT(next[0].id, page[1].id);
  MessageFilter q;
  q.query = "invoice";
  EXPECT_EQ(repo_->list(q).size(), 1u);
  MessageFilter s;
  s.status = "released";
  EXPECT_TRUE(repo_->list(s).empty());
}

TEST_F(MessageRepositoryTest, VersionsOnlyForEditableMessages) {
  const int64_t id = repo_->insert(sample("a.msg"));
  MessageVersion v;
  v.spoolName = "a.v2.msg";
  v.contentHash = "h2";
  v.createdBy = "op";
  EXPECT_EQ(repo_->addVersion(id, v, "new subject"), 2);
  EXPECT_EQ(repo_->get(id)->subject, "new subject");
  EXPECT_EQ(repo_->get(id)->currentVersion, 2);
  ASSERT_TRUE(repo_->transition(id, {status::kHeld}, status::kReleasing));
  v.spoolName = "a.v3.msg";
  EXPECT_EQ(repo_->addVersion(id, v, "too late"), 0);
  EXPECT_EQ(repo_->allSpoolNames().count("a.v2.msg"), 1u);
}

TEST_F(MessageRepositoryTest, ImapOriginAndQuarantineLocationAreKeptApart) {
  auto m = sample("imap.msg");
  m.source = "imap";
  m.imapUid = 41;
  m.imapUidValidity = 7;
  const int64_t id = repo_->insert(m);
  auto other = sample("imap2.msg");
  other.source = "imap";
  other.imapUid = 42;
  other.imapUidValidity = 7;
  const int64_t id2 = repo_->insert(other);

  ASSERT_TRUE(repo_->findImapOrigin(0, 7, 41).has_value());
  EXPECT_EQ(repo_->findImapOrigin(0, 7, 41)->id, id);
  EXPECT_FALSE(repo_->findImapOrigin(0, 8, 41).has_value());  // another UIDVALIDITY: another message
  EXPECT_EQ(repo_->imapUnplaced(0, 10).size(), 2u);

  EXPECT_TRUE(repo_->setImapLocation(id, 900, 3));
  repo_->setImapLocations(900, {{id2, 4}});
  auto got = repo_->get(id2);
  EXPECT_EQ(got->imapFolderUid, 4);
  EXPECT_EQ(got->imapFolderUidValidity, 900);
  EXPECT_EQ(got->imapUid, 42);  // the origin stays
  EXPECT_TRUE(repo_->imapUnplaced(0, 10).empty());
}

TEST_F(MessageRepositoryTest, ARecoveredSpoolFileOfAnImapIntakeIsAdoptedOnce) {
  auto m = sample("recovered.msg");
  m.contentHash = "hash-r";
  m.failureReason = "recovered from the spool at start-up";
  const int64_t id = repo_->insert(m);
  EXPECT_EQ(repo_->adoptRecoveredImap("hash-other", 0, 7, 50), 0);
  EXPECT_EQ(repo_->adoptRecoveredImap("hash-r", 0, 7, 50), id);
  auto got = repo_->get(id);
  EXPECT_EQ(got->source, "imap");
  EXPECT_EQ(got->imapUid, 50);
  EXPECT_EQ(got->failureReason, "");
  EXPECT_EQ(repo_->adoptRecoveredImap("hash-r", 0, 7, 51), 0);  // already adopted
}
