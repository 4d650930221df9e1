// The watcher against Courier-IMAP as Debian ships it: an IDLE that only re-scans the mailbox
// every 60 s (IMAP_IDLE_TIMEOUT, IMAP_ENHANCEDIDLE=0), no MOVE (COPY, \Deleted, UID EXPUNGE),
// the "INBOX." namespace. Interception must still come within poll_seconds.
#include "CourierFixture.h"
#include "WatcherHarness.h"

namespace mg::watcher::test {
namespace {

using imap::test::CourierFixture;
using quarantine::Outcome;

class CourierWatcherTest : public WatcherTest {
 protected:
  void startServer() override {
    if (!CourierFixture::available()) {
      GTEST_SKIP() << "needs Courier-IMAP unpacked at " << CourierFixture::root() << " (tools/install-deps.sh)";
    }
    courier_ = std::make_unique<CourierFixture>();
    peer_ = courier_.get();
  }
  NamespaceLayout layout() const override { return NamespaceLayout::DotInboxPrefix; }
  WatcherPoolOptions poolOptions() const override {
    WatcherPoolOptions o = WatcherTest::poolOptions();
    // The defaults' IDLE renewal (29 minutes): IDLE alone would leave the mail in INBOX until
    // Courier's next 60 s re-scan; only leaving IDLE every poll_seconds takes it sooner.
    o.watcher.idleRenewSeconds = 1740;
    o.watcher.pollSeconds = 2;
    return o;
  }
  bool watcherIdles(int64_t id) {
    for (const auto& w : pool_->watchers()) {
      if (w.accountId == id) return w.state == "online" && w.idle;
    }
    return false;
  }
  std::unique_ptr<CourierFixture> courier_;
};

TEST_F(CourierWatcherTest, NewMailIsTakenWithinPollSecondsAlthoughCourierIdleIsLazy) {
  const int64_t id = addAccount("all");
  startWatchers();
  ASSERT_TRUE(waitOnline(id)) << state(id) << "\n" << capturedLog() << courier_->log();
  ASSERT_TRUE(waitFor([&] { return watcherIdles(id); })) << "the watcher never entered IDLE";
  ASSERT_TRUE(appendToInbox("while idling", uniqueId("lazy")).ok());
  // Well inside Courier's 60 s: what takes it is the watcher's own re-scan every 2 s.
  ASSERT_TRUE(waitForHeld(1, 30'000)) << capturedLog() << courier_->log();
  ASSERT_TRUE(waitFor([&] { return count("INBOX") == 0; })) << capturedLog();
  EXPECT_EQ(count(quarantineName()), 1u);
}

TEST_F(CourierWatcherTest, WithoutMoveAMessageIsCopiedExpungedAndReleasedBack) {
  const int64_t id = addAccount("all");
  startWatchers();
  ASSERT_TRUE(waitOnline(id)) << state(id) << "\n" << capturedLog() << courier_->log();
  ASSERT_TRUE(appendToInbox("no move here", uniqueId("nomove")).ok());
  ASSERT_TRUE(waitForHeld(1, 30'000)) << capturedLog();
  const int64_t emailId = messages("held")[0].id;
  ASSERT_TRUE(waitFor([&] { return messages_->get(emailId).value()->imapFolderUid > 0; })) << capturedLog();
  EXPECT_EQ(count("INBOX"), 0u);  // expunged from INBOX, not only flagged
  const auto r = quarantine_->release(emailId, actor_);
  ASSERT_EQ(r.outcome, Outcome::Done) << r.detail;
  EXPECT_EQ(count("INBOX"), 1u);
  EXPECT_EQ(count(quarantineName()), 0u);
  // Released mail is not taken again: a later message is, the released one is not.
  ASSERT_GT(appendBarrier(id), 0u) << capturedLog();
  EXPECT_EQ(messages().size(), 2u);
  EXPECT_EQ(messages_->get(emailId).value()->status, "released");
}

}  // namespace
}  // namespace mg::watcher::test
