// Waiting for new mail: IDLE sees another client's APPEND quickly; interrupt() wakes a wait;
// a server without IDLE is polled with NOOP.
#include <thread>

#include "ImapTestSupport.h"

namespace mg::imap::test {
namespace {

using std::chrono::milliseconds;

// Blocks until the client is inside waitForActivity() (after "+ idling"), so that what the
// caller does next happens while it waits. False after 10 s.
bool untilWaiting(const ImapClient& c) {
  for (int i = 0; i < 1000; ++i) {
    if (c.waiting()) return true;
    std::this_thread::sleep_for(milliseconds(10));
  }
  return false;
}

class ImapIdleTest : public DovecotTest {};

TEST_P(ImapIdleTest, IdleSeesAnAppendFromASecondConnection) {
  auto c = client();
  ASSERT_TRUE(c->idleSupported());
  ASSERT_TRUE(c->select("INBOX").ok());
  std::thread other([this, &c] {
    ASSERT_TRUE(untilWaiting(*c));  // the append lands while the client is in IDLE
    auto a = server_->appendAs("alice", "alice-pw", "INBOX", sampleMessage("idle", uniqueId("idle")));
    EXPECT_TRUE(a.ok()) << a.errorMessage();
  });
  // Dovecot tells IDLE clients at once; had it not, this would end in Timeout.
  auto act = c->waitForActivity(milliseconds(20000));
  other.join();
  ASSERT_TRUE(act.ok()) << act.errorMessage();
  EXPECT_EQ(act->kind, Activity::Kind::Changed);
  EXPECT_TRUE(act->newMessages);
  EXPECT_EQ(act->exists, 1u);
  EXPECT_TRUE(c->noop().ok()) << "the session is usable after DONE";
}

TEST_P(ImapIdleTest, IdleTimesOutQuietly) {
  auto c = client();
  ASSERT_TRUE(c->select("INBOX").ok());
  auto act = c->waitForActivity(milliseconds(400));
  ASSERT_TRUE(act.ok()) << act.errorMessage();
  EXPECT_EQ(act->kind, Activity::Kind::Timeout);
  EXPECT_TRUE(c->uidSearch(SearchCriteria().all()).ok());
}

TEST_P(ImapIdleTest, InterruptWakesAWaitFromAnotherThread) {
  auto c = client();
  ASSERT_TRUE(c->select("INBOX").ok());
  std::thread waker([&c] {
    ASSERT_TRUE(untilWaiting(*c));
    c->interrupt();
  });
  // A wait far longer than the test: only the interrupt can end it before ctest gives up.
  auto act = c->waitForActivity(milliseconds(600000));
  waker.join();
  ASSERT_TRUE(act.ok()) << act.errorMessage();
  EXPECT_EQ(act->kind, Activity::Kind::Interrupted);
  EXPECT_TRUE(c->noop().ok());
  // The interrupt was consumed: the next wait waits.
  auto next = c->waitForActivity(milliseconds(200));
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->kind, Activity::Kind::Timeout);
}

TEST_P(ImapIdleTest, ServerStopDuringIdleIsAnError) {
  auto c = client();
  ASSERT_TRUE(c->select("INBOX").ok());
  std::thread stopper([this, &c] {
    ASSERT_TRUE(untilWaiting(*c));
    server_->stop();
  });
  auto act = c->waitForActivity(milliseconds(10000));
  stopper.join();
  EXPECT_FALSE(act.ok());
  EXPECT_FALSE(c->connected());
}

TEST_P(ImapIdleTest, WaitingWithoutASelectedMailboxIsAnError) {
  auto c = client();
  EXPECT_FALSE(c->waitForActivity(milliseconds(10)).ok());
}

INSTANTIATE_TEST_SUITE_P(Layouts, ImapIdleTest,
                         ::testing::Values(NamespaceLayout::SlashNoPrefix, NamespaceLayout::DotInboxPrefix), layoutName);

class ImapNoIdleTest : public DovecotTest {
 protected:
  DovecotOptions options() const override {
    DovecotOptions o;
    o.idle = false;
    return o;
  }
};

TEST_P(ImapNoIdleTest, ServerWithoutIdleIsPolled) {
  auto c = client();
  EXPECT_FALSE(c->hasCapability("IDLE"));
  EXPECT_FALSE(c->idleSupported());
  EXPECT_TRUE(c->hasCapability("MOVE"));
  ASSERT_TRUE(c->select("INBOX").ok());
  auto quiet = c->waitForActivity(milliseconds(300));
  ASSERT_TRUE(quiet.ok()) << quiet.errorMessage();
  EXPECT_EQ(quiet->kind, Activity::Kind::Timeout);
  ASSERT_TRUE(server_->appendAs("alice", "alice-pw", "INBOX", sampleMessage("poll", uniqueId("poll"))).ok());
  auto act = c->waitForActivity(milliseconds(300));
  ASSERT_TRUE(act.ok()) << act.errorMessage();
  EXPECT_EQ(act->kind, Activity::Kind::Changed);
  EXPECT_TRUE(act->newMessages);
  EXPECT_EQ(act->exists, 1u);
  std::thread waker([&c] {
    ASSERT_TRUE(untilWaiting(*c));
    c->interrupt();
  });
  auto woken = c->waitForActivity(milliseconds(20000));
  waker.join();
  ASSERT_TRUE(woken.ok());
  EXPECT_EQ(woken->kind, Activity::Kind::Interrupted);
}

INSTANTIATE_TEST_SUITE_P(Layouts, ImapNoIdleTest,
                         ::testing::Values(NamespaceLayout::SlashNoPrefix, NamespaceLayout::DotInboxPrefix), layoutName);

}  // namespace
}  // namespace mg::imap::test
