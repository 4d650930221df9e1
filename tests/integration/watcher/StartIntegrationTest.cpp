// Where a watcher starts: no gap between adding an account (or a UIDVALIDITY change) and the
// watcher's first SELECT, and nothing from before taken unless asked (take_existing).
#include <ctime>

#include "WatcherHarness.h"

namespace mg::watcher::test {
namespace {

class StartTest : public WatcherTest {
 protected:
  static int64_t nowSeconds() { return static_cast<int64_t>(std::time(nullptr)); }
  std::vector<std::string> subjects(const std::string& status = "") {
    std::vector<std::string> out;
    for (const auto& m : messages(status)) out.push_back(m.subject);
    std::sort(out.begin(), out.end());
    return out;
  }
};

TEST_P(StartTest, MailAppendedRightAfterTheAccountIsAddedIsTakenAndOlderMailStays) {
  ASSERT_TRUE(appendToInboxAt("from last week", uniqueId("old"), nowSeconds() - 7 * 86'400).ok());
  const int64_t id = addAccount("all");
  // Arrives after the account was added but before its watcher's first SELECT.
  auto fresh = appendToInbox("right after adding", uniqueId("fresh"));
  ASSERT_TRUE(fresh.ok());
  startWatchers();
  ASSERT_TRUE(waitOnline(id)) << capturedLog();
  ASSERT_TRUE(waitScannedPast(id, fresh->uid)) << capturedLog();
  EXPECT_EQ(subjects(), std::vector<std::string>{"right after adding"});
  EXPECT_EQ(count("INBOX"), 1u);  // last week's stays where it was
  EXPECT_EQ(count(quarantineName()), 1u);
  auto p = positions_->get(id).value();
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->floorAt, 0);  // past the floor: from now on every new message counts
}

TEST_P(StartTest, AfterAUidValidityChangeMailSinceTheLastHeartbeatIsTaken) {
  const int64_t id = addAccount("all");
  const int64_t now = nowSeconds();
  // A position under another UIDVALIDITY, last kept an hour ago: the INBOX was rebuilt since.
  ASSERT_TRUE(positions_->set(id, 1, 500, (now - 3600) * 1000).value());
  ASSERT_TRUE(appendToInboxAt("before the last heartbeat", uniqueId("before"), now - 3 * 3600).ok());
  auto since = appendToInboxAt("after the last heartbeat", uniqueId("after"), now - 1800);
  ASSERT_TRUE(since.ok());
  startWatchers();
  ASSERT_TRUE(waitOnline(id)) << capturedLog();
  ASSERT_TRUE(waitScannedPast(id, since->uid)) << capturedLog();
  EXPECT_EQ(subjects(), std::vector<std::string>{"after the last heartbeat"});
  EXPECT_EQ(count("INBOX"), 1u);
  EXPECT_NE(capturedLog().find("UIDVALIDITY changed"), std::string::npos);
}

TEST_P(StartTest, TakeExistingTakesEveryInboxMessageOnce) {
  ASSERT_TRUE(appendToInboxAt("old one", uniqueId("old1"), nowSeconds() - 30 * 86'400).ok());
  auto last = appendToInboxAt("old two", uniqueId("old2"), nowSeconds() - 2 * 86'400);
  ASSERT_TRUE(last.ok());
  const int64_t id = addAccount("all", /*takeExisting=*/true);
  startWatchers();
  ASSERT_TRUE(waitOnline(id)) << capturedLog();
  ASSERT_TRUE(waitScannedPast(id, last->uid)) << capturedLog();
  EXPECT_EQ(subjects("held"), (std::vector<std::string>{"old one", "old two"}));
  EXPECT_EQ(count("INBOX"), 0u);
  auto p = positions_->get(id).value();
  ASSERT_TRUE(p.has_value());
  EXPECT_FALSE(p->takeExisting);  // once: the request is used up
}

TEST_P(StartTest, TakeExistingOnAnAccountBeingWatchedRescansItsInbox) {
  const int64_t id = addAccount("rules");  // no rule: nothing is taken while it runs
  startWatchers();
  ASSERT_TRUE(waitOnline(id)) << capturedLog();
  auto kept = appendToInbox("kept while rules found nothing", uniqueId("kept"));
  ASSERT_TRUE(kept.ok());
  ASSERT_TRUE(waitScannedPast(id, kept->uid)) << capturedLog();
  ASSERT_TRUE(messages().empty());
  accounts::AccountChanges c;
  c.intercept = "all";
  c.takeExisting = true;
  ASSERT_TRUE(accounts_->update(id, c, "tester").ok());
  ASSERT_TRUE(waitForHeld(1)) << capturedLog();
  EXPECT_EQ(subjects(), std::vector<std::string>{"kept while rules found nothing"});
}

INSTANTIATE_TEST_SUITE_P(Layouts, StartTest,
                         ::testing::Values(NamespaceLayout::SlashNoPrefix, NamespaceLayout::DotInboxPrefix), layoutName);

}  // namespace
}  // namespace mg::watcher::test
