// Messages against Dovecot: APPEND, SELECT, UID SEARCH/FETCH/STORE, MOVE and its fallback.
#include "ImapTestSupport.h"

namespace mg::imap::test {
namespace {

constexpr int64_t kDate = 1704103200;  // 01-Jan-2024 10:00:00 +0000

class ImapMessagesTest : public DovecotTest {
 protected:
  void SetUp() override {
    DovecotTest::SetUp();
    if (IsSkipped()) return;
    quarantine_ = server_->folder("Quarantine");
    c_ = client();
    ASSERT_TRUE(c_->create(quarantine_).ok());
  }
  std::string quarantine_;
  std::unique_ptr<ImapClient> c_;
};

TEST_P(ImapMessagesTest, AppendWithFlagsAndDateThenSelectSearchFetch) {
  const std::string id = uniqueId("append");
  const std::string msg = sampleMessage("first", id);
  auto a = c_->append("INBOX", msg, {"\\Seen", "$Custom"}, kDate);
  ASSERT_TRUE(a.ok()) << a.errorMessage();
  EXPECT_NE(a->uidValidity, 0u);
  EXPECT_EQ(a->uid, 1u);
  ASSERT_TRUE(c_->append("INBOX", sampleMessage("second", uniqueId("append")), {}, std::nullopt).ok());

  auto sel = c_->select("INBOX");
  ASSERT_TRUE(sel.ok()) << sel.errorMessage();
  EXPECT_EQ(sel->uidValidity, a->uidValidity);
  EXPECT_EQ(sel->uidNext, 3u);
  EXPECT_EQ(sel->exists, 2u);
  EXPECT_FALSE(sel->readOnly);

  auto all = c_->uidSearch(SearchCriteria().uids(UidSet::from(1)));
  ASSERT_TRUE(all.ok()) << all.errorMessage();
  EXPECT_EQ(*all, (std::vector<uint32_t>{1, 2}));
  auto byId = c_->uidSearch(SearchCriteria().header("Message-ID", id));
  ASSERT_TRUE(byId.ok()) << byId.errorMessage();
  EXPECT_EQ(*byId, (std::vector<uint32_t>{1}));

  auto f = c_->uidFetch(UidSet::of({1}), kFetchFlags | kFetchInternalDate | kFetchSize | kFetchHeader | kFetchBody);
  ASSERT_TRUE(f.ok()) << f.errorMessage();
  ASSERT_EQ(f->size(), 1u);
  const FetchedMessage& m = f->front();
  EXPECT_EQ(m.uid, 1u);
  EXPECT_TRUE(m.hasFlag("\\Seen"));
  EXPECT_TRUE(m.hasFlag("$Custom"));
  EXPECT_EQ(m.internalTime.value_or(0), kDate) << m.internalDate;
  EXPECT_EQ(m.size, msg.size());
  ASSERT_TRUE(m.body);
  EXPECT_EQ(*m.body, msg);
  ASSERT_TRUE(m.header);
  EXPECT_EQ(*m.header, msg.substr(0, msg.find("\r\n\r\n") + 4));

  auto second = c_->uidFetch(UidSet::of({2}), kFetchFlags);
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->size(), 1u);
  EXPECT_FALSE(second->front().hasFlag("\\Seen")) << "BODY.PEEK must not set \\Seen";
}

TEST_P(ImapMessagesTest, AppendWithSynchronisingLiteral) {
  ClientOptions o = server_->clientOptions();
  o.useLiteralPlus = false;
  auto c = client(o);
  auto a = c->append(quarantine_, sampleMessage("sync", uniqueId("sync")), {}, std::nullopt);
  ASSERT_TRUE(a.ok()) << a.errorMessage();
  EXPECT_EQ(a->uid, 1u);
}

TEST_P(ImapMessagesTest, LargeMessageRoundTrips) {
  std::string body;
  for (int i = 0; i < 40000; ++i) body += "line " + std::to_string(i) + " of a large message body\r\n";
  const std::string msg = sampleMessage("large", uniqueId("large"), body);
  ASSERT_TRUE(c_->append("INBOX", msg, {}, std::nullopt).ok());
  ASSERT_TRUE(c_->select("INBOX").ok());
  auto f = c_->uidFetch(UidSet::from(1), kFetchBody | kFetchSize);
  ASSERT_TRUE(f.ok()) << f.errorMessage();
  ASSERT_EQ(f->size(), 1u);
  EXPECT_EQ(f->front().body.value_or(""), msg);
}

TEST_P(ImapMessagesTest, StoreReleasedKeywordAndSearchWithoutIt) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(c_->append("INBOX", sampleMessage("k", uniqueId("k")), {}, std::nullopt).ok());
  ASSERT_TRUE(c_->select("INBOX").ok());
  ASSERT_TRUE(c_->uidStore(UidSet::of({2}), StoreMode::Add, {"$MailgateReleased"}).ok());
  auto rest = c_->uidSearch(SearchCriteria().uids(UidSet::from(1)).unkeyword("$MailgateReleased"));
  ASSERT_TRUE(rest.ok()) << rest.errorMessage();
  EXPECT_EQ(*rest, (std::vector<uint32_t>{1, 3}));
  auto f = c_->uidFetch(UidSet::of({2}), kFetchFlags);
  ASSERT_TRUE(f.ok());
  EXPECT_TRUE(f->front().hasFlag("$MailgateReleased"));
  ASSERT_TRUE(c_->uidStore(UidSet::of({2}), StoreMode::Remove, {"$MailgateReleased"}).ok());
  rest = c_->uidSearch(SearchCriteria().unkeyword("$MailgateReleased"));
  EXPECT_EQ(*rest, (std::vector<uint32_t>{1, 2, 3}));
  EXPECT_FALSE(c_->uidStore(UidSet::of({2}), StoreMode::Add, {"bad flag"}).ok());
}

TEST_P(ImapMessagesTest, MoveToQuarantineAndBackWithCopyUid) {
  const std::string id = uniqueId("move");
  ASSERT_TRUE(c_->append("INBOX", sampleMessage("m0", uniqueId("m0")), {}, std::nullopt).ok());
  ASSERT_TRUE(c_->append("INBOX", sampleMessage("m1", id), {}, std::nullopt).ok());
  ASSERT_TRUE(c_->select("INBOX").ok());
  auto moved = c_->uidMove(UidSet::of({2}), quarantine_);
  ASSERT_TRUE(moved.ok()) << moved.errorMessage();
  EXPECT_TRUE(moved->usedMove);
  ASSERT_EQ(moved->uids.size(), 1u);
  EXPECT_EQ(moved->uids[0].first, 2u);
  EXPECT_EQ(moved->uids[0].second, 1u);
  EXPECT_EQ(c_->selected()->exists, 1u);

  auto q = c_->select(quarantine_);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->uidValidity, moved->uidValidity);
  EXPECT_EQ(*c_->uidSearch(SearchCriteria().header("Message-ID", id)), (std::vector<uint32_t>{1}));
  auto back = c_->uidMove(UidSet::of({1}), "INBOX");
  ASSERT_TRUE(back.ok()) << back.errorMessage();
  ASSERT_EQ(back->uids.size(), 1u);
  EXPECT_EQ(back->uids[0].second, 3u);  // a new UID in INBOX
  ASSERT_TRUE(c_->select("INBOX").ok());
  EXPECT_EQ(*c_->uidSearch(SearchCriteria().header("Message-ID", id)), (std::vector<uint32_t>{3}));
}

TEST_P(ImapMessagesTest, CopyStoreExpungeFallbackWhenMoveIsNotUsed) {
  ClientOptions o = server_->clientOptions();
  o.useMove = false;
  auto c = client(o);
  ASSERT_TRUE(c->append("INBOX", sampleMessage("f0", uniqueId("f")), {}, std::nullopt).ok());
  ASSERT_TRUE(c->append("INBOX", sampleMessage("f1", uniqueId("f")), {"\\Deleted"}, std::nullopt).ok());
  ASSERT_TRUE(c->append("INBOX", sampleMessage("f2", uniqueId("f")), {}, std::nullopt).ok());
  ASSERT_TRUE(c->select("INBOX").ok());
  auto moved = c->uidMove(UidSet::of({1, 3}), quarantine_);
  ASSERT_TRUE(moved.ok()) << moved.errorMessage();
  EXPECT_FALSE(moved->usedMove);
  ASSERT_EQ(moved->uids.size(), 2u);
  EXPECT_EQ(moved->uids[1], (std::pair<uint32_t, uint32_t>{3, 2}));
  // UID EXPUNGE removed only what we moved: message 2 (\Deleted by someone else) stays.
  auto left = c->uidSearch(SearchCriteria().all());
  ASSERT_TRUE(left.ok());
  EXPECT_EQ(*left, (std::vector<uint32_t>{2}));
}

TEST_P(ImapMessagesTest, MoveToAMissingFolderReportsTryCreate) {
  ASSERT_TRUE(c_->append("INBOX", sampleMessage("t", uniqueId("t")), {}, std::nullopt).ok());
  ASSERT_TRUE(c_->select("INBOX").ok());
  auto moved = c_->uidMove(UidSet::of({1}), server_->folder("Nope"));
  ASSERT_FALSE(moved.ok());
  EXPECT_NE(moved.errorMessage().find("NO [TRYCREATE]"), std::string::npos) << moved.errorMessage();
  ASSERT_TRUE(c_->lastCompletion());
  EXPECT_TRUE(c_->lastCompletion()->hasCode("TRYCREATE"));
}

INSTANTIATE_TEST_SUITE_P(Layouts, ImapMessagesTest,
                         ::testing::Values(NamespaceLayout::SlashNoPrefix, NamespaceLayout::DotInboxPrefix), layoutName);

}  // namespace
}  // namespace mg::imap::test
