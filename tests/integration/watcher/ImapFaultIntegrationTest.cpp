// IMAP faults (the fault harness, issue "nothing lost"): Dovecot killed while the watcher is
// moving a burst of mail into Quarantine, and while releases move it back or APPEND edited
// versions. Afterwards, with the server back, every message is in INBOX ∪ Quarantine exactly
// once (found by its Message-ID), and mailgate holds one record of each.
#include <iostream>
#include <map>
#include <thread>

#include "WatcherHarness.h"

namespace mg::watcher::test {
namespace {

constexpr int kBurst = 60;

class ImapFaultTest : public WatcherTest {
 protected:
  // How many copies of the message with `messageId` INBOX and Quarantine hold together.
  size_t copies(const std::string& messageId) {
    return search("INBOX", imap::SearchCriteria().header("Message-ID", messageId)).size() +
           search(quarantineName(), imap::SearchCriteria().header("Message-ID", messageId)).size();
  }
};

TEST_P(ImapFaultTest, DovecotKilledDuringMovesLeavesExactlyOneCopyOfEach) {
  const int64_t id = addAccount("all");
  startWatchers();
  ASSERT_TRUE(waitOnline(id));
  std::vector<std::string> ids;
  for (int i = 0; i < kBurst; ++i) {
    ids.push_back(uniqueId("burst"));
    ASSERT_TRUE(appendToInbox("burst " + std::to_string(i), ids.back()).ok());
  }
  // The first held row is the proof that the watcher is inside the burst: kill the server now.
  ASSERT_TRUE(waitForHeld(1)) << capturedLog();
  server_->stop();
  const size_t heldAtKill = messages("held").size();
  server_->start();
  ASSERT_TRUE(waitOnline(id, 20'000)) << state(id) << "\n" << capturedLog();
  ASSERT_TRUE(waitForPlaced(kBurst, 30'000)) << messages("held").size() << " held\n" << capturedLog();
  EXPECT_EQ(messages().size(), static_cast<size_t>(kBurst));  // one record each
  for (const auto& mid : ids) EXPECT_EQ(copies(mid), 1u) << mid;
  EXPECT_EQ(count("INBOX"), 0u);
  EXPECT_EQ(count(quarantineName()), static_cast<uint32_t>(kBurst));
  std::cout << "held when Dovecot was killed: " << heldAtKill << " of " << kBurst << "\n";
}

TEST_P(ImapFaultTest, DovecotKilledDuringReleasesLeavesExactlyOneCopyOfEach) {
  const int64_t id = addAccount("all");
  startWatchers();
  ASSERT_TRUE(waitOnline(id));
  std::map<int64_t, std::string> byEmail;
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(appendToInbox("release " + std::to_string(i), uniqueId("rel")).ok());
  ASSERT_TRUE(waitForPlaced(10)) << capturedLog();
  auto held = messages("held");
  ASSERT_EQ(held.size(), 10u);
  // Half of them edited: their release is an APPEND of the new version plus removal of the original.
  for (size_t i = 0; i < held.size(); ++i) {
    byEmail[held[i].id] = "<" + held[i].messageId + ">";
    if (i % 2 == 0) {
      ASSERT_EQ(quarantine_->edit(held[i].id, actor_, "edited " + std::to_string(i), std::nullopt).outcome,
                quarantine::Outcome::Done);
    }
  }
  // Releases on one thread; the server dies under them after the first one is done.
  std::thread releaser([&] {
    for (const auto& m : held) (void)quarantine_->release(m.id, actor_);
  });
  ASSERT_TRUE(waitFor([&] { return !messages("released").empty(); }, 20'000)) << capturedLog();
  server_->stop();
  releaser.join();
  server_->start();
  ASSERT_TRUE(waitOnline(id, 20'000)) << capturedLog();
  // What did not go out is release_failed (or still held): released again, each goes out.
  for (const auto& m : held) {
    const auto now = messages_->get(m.id).value();
    ASSERT_TRUE(now.has_value());
    EXPECT_NE(now->status, "releasing") << m.id;
    if (now->status != "released") {
      const auto r = quarantine_->release(m.id, actor_);
      EXPECT_TRUE(r.outcome == quarantine::Outcome::Done || r.outcome == quarantine::Outcome::AlreadyDone) << r.detail;
    }
  }
  for (const auto& [emailId, mid] : byEmail) {
    EXPECT_EQ(messages_->get(emailId).value()->status, "released") << emailId;
    EXPECT_EQ(copies(mid), 1u) << "message " << emailId << " " << mid;
  }
  EXPECT_EQ(count(quarantineName()), 0u);
  EXPECT_EQ(count("INBOX"), 10u);
}

INSTANTIATE_TEST_SUITE_P(Slash, ImapFaultTest, ::testing::Values(NamespaceLayout::SlashNoPrefix), layoutName);

}  // namespace
}  // namespace mg::watcher::test
