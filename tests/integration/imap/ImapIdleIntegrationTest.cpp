// Waiting for new mail: IDLE sees another client's APPEND quickly; interrupt() wakes a wait;
// a server without IDLE is polled with NOOP.
#include <thread>

#include "ImapTestSupport.h"

namespace mg::imap::test {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

class ImapIdleTest : public DovecotTest {};

TEST_P(ImapIdleTest, IdleSeesAnAppendFromASecondConnectionWithinASecond) {
  auto c = client();
  ASSERT_TRUE(c->idleSupported());
  ASSERT_TRUE(c->select("INBOX").ok());
  std::thread other([this] {
    std::this_thread::sleep_for(milliseconds(300));
    auto a = server_->appendAs("alice", "alice-pw", "INBOX", sampleMessage("idle", uniqueId("idle")));
    EXPECT_TRUE(a.ok()) << a.errorMessage();
  });
  const auto t0 = Clock::now();
  auto act = c->waitForActivity(milliseconds(10000));
  const auto took = Clock::now() - t0;
  other.join();
  ASSERT_TRUE(act.ok()) << act.errorMessage();
  EXPECT_EQ(act->kind, Activity::Kind::Changed);
  EXPECT_TRUE(act->newMessages);
  EXPECT_EQ(act->exists, 1u);
  EXPECT_LT(took, milliseconds(1300));
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
    std::this_thread::sleep_for(milliseconds(200));
    c->interrupt();
  });
  const auto t0 = Clock::now();
  auto act = c->waitForActivity(milliseconds(20000));
  waker.join();
  ASSERT_TRUE(act.ok()) << act.errorMessage();
  EXPECT_EQ(act->kind, Activity::Kind::Interrupted);
  EXPECT_LT(Clock::now() - t0, milliseconds(1500));
  EXPECT_TRUE(c->noop().ok());
  // The interrupt was consumed: the next wait waits.
  auto next = c->waitForActivity(milliseconds(200));
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->kind, Activity::Kind::Timeout);
}

TEST_P(ImapIdleTest, ServerStopDuringIdleIsAnError) {
  auto c = client();
  ASSERT_TRUE(c->select("INBOX").ok());
  std::thread stopper([this] {
    std::this_thread::sleep_for(milliseconds(200));
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
    std::this_thread::sleep_for(milliseconds(100));
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
