#include <map>
#include <thread>

#include "quarantine/QuarantineFixture.h"

using namespace mg;
using quarantine::Outcome;

class QuarantineServiceTest : public test::QuarantineFixture {};

TEST_F(QuarantineServiceTest, AcceptedMailIsHeldByDefaultAndSummarised) {
  const int64_t id = acceptSample("Quarterly report");
  auto m = messages_->get(id).value();
  ASSERT_TRUE(m);
  EXPECT_EQ(m->status, "held");
  EXPECT_EQ(m->subject, "Quarterly report");
  EXPECT_TRUE(port_.delivered.empty());
}

TEST_F(QuarantineServiceTest, ReleaseDeliversOnceAndIsIdempotent) {
  const int64_t id = acceptSample();
  auto r = service_->release(id, {"alice", "admin"});
  EXPECT_EQ(r.outcome, Outcome::Done);
  EXPECT_EQ(messages_->get(id).value()->status, "released");
  auto again = service_->release(id, {"alice", "admin"});
  EXPECT_EQ(again.outcome, Outcome::AlreadyDone);
  ASSERT_EQ(port_.delivered.size(), 1u);
  EXPECT_NE(port_.delivered[0].raw.find("body line"), std::string::npos);
  EXPECT_EQ(audit_->list({}).value().front().action, "release");
}

TEST_F(QuarantineServiceTest, ConcurrentReleasesDeliverOnce) {
  const int64_t id = acceptSample();
  port_.delayMs = 50;  // keep the winner inside `releasing` while the others arrive
  std::vector<std::thread> threads;
  std::atomic<int> done{0}, conflict{0}, already{0};
  for (int i = 0; i < 20; ++i) {
    threads.emplace_back([&] {
      auto r = service_->release(id, {"op", "reviewer"});
      if (r.outcome == Outcome::Done) ++done;
      if (r.outcome == Outcome::Conflict) ++conflict;
      if (r.outcome == Outcome::AlreadyDone) ++already;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(done.load(), 1);
  EXPECT_EQ(done + conflict + already, 20);
  EXPECT_EQ(port_.delivered.size(), 1u);
}

TEST_F(QuarantineServiceTest, FailedReleaseKeepsReasonAndCanBeRetried) {
  const int64_t id = acceptSample();
  port_.failing = true;
  auto r = service_->release(id, {"op", "admin"});
  EXPECT_EQ(r.outcome, Outcome::Failed);
  auto m = messages_->get(id).value();
  EXPECT_EQ(m->status, "release_failed");
  EXPECT_NE(m->failureReason.find("451"), std::string::npos);
  EXPECT_FALSE(notifications_->list(true, 10).value().empty());
  port_.failing = false;
  EXPECT_EQ(service_->release(id, {"op", "admin"}).outcome, Outcome::Done);
  EXPECT_EQ(port_.delivered.size(), 1u);
  EXPECT_EQ(messages_->get(id).value()->failureReason, "");
}

TEST_F(QuarantineServiceTest, ReleaseToOverridesRecipients) {
  const int64_t id = acceptSample();
  EXPECT_EQ(service_->release(id, {"op", "admin"}, std::vector<std::string>{"other@example.org"}).outcome, Outcome::Done);
  ASSERT_EQ(port_.delivered.size(), 1u);
  EXPECT_EQ(port_.delivered[0].rcpts, std::vector<std::string>{"other@example.org"});
}

TEST_F(QuarantineServiceTest, DiscardedMailIsNeverDelivered) {
  const int64_t id = acceptSample();
  EXPECT_EQ(service_->discard(id, {"op", "admin"}).outcome, Outcome::Done);
  EXPECT_EQ(service_->discard(id, {"op", "admin"}).outcome, Outcome::AlreadyDone);
  EXPECT_EQ(service_->release(id, {"op", "admin"}).outcome, Outcome::Invalid);
  EXPECT_TRUE(port_.delivered.empty());
  EXPECT_EQ(service_->release(9999, {"op", "admin"}).outcome, Outcome::NotFound);
}

TEST_F(QuarantineServiceTest, EditStoresNewVersionAndReleaseSendsIt) {
  const int64_t id = acceptSample("Old subject");
  auto e = service_->edit(id, {"op", "reviewer"}, std::string("New subject"), std::nullopt);
  ASSERT_EQ(e.outcome, Outcome::Done) << e.detail;
  EXPECT_EQ(e.version, 2);
  EXPECT_NE(e.diff.find("+Subject: New subject"), std::string::npos);
  auto original = service_->rawMessage(id, true);
  ASSERT_TRUE(original.ok());
  EXPECT_NE(original->find("Old subject"), std::string::npos);  // the original is kept
  ASSERT_EQ(service_->release(id, {"op", "reviewer"}).outcome, Outcome::Done);
  ASSERT_EQ(port_.delivered.size(), 1u);
  EXPECT_NE(port_.delivered[0].raw.find("New subject"), std::string::npos);
  EXPECT_EQ(service_->edit(id, {"op", "reviewer"}, std::string("x"), std::nullopt).outcome, Outcome::Conflict);
}

TEST_F(QuarantineServiceTest, PassRuleQueuesThenRelaysWithRetriesAndGivesUp) {
  store::RuleRecord r;
  r.name = "pass-all";
  r.action = "pass";
  ruleRepo_->insert(r).value();
  service_->ruleBook().invalidate();
  const int64_t ok = acceptSample();
  EXPECT_EQ(messages_->get(ok).value()->status, "queued");
  EXPECT_EQ(service_->relayDueMessages(), 1);
  EXPECT_EQ(messages_->get(ok).value()->status, "relayed");

  port_.failing = true;
  const int64_t bad = acceptSample();
  EXPECT_EQ(service_->relayDueMessages(), 1);
  auto m = messages_->get(bad).value();
  EXPECT_EQ(m->status, "queued");
  EXPECT_EQ(m->attempts, 1);
  EXPECT_EQ(service_->relayDueMessages(), 0);  // not due yet: backoff
  for (int i = 0; i < 2; ++i) {
    clock_.advance(3600'000);
    EXPECT_EQ(service_->relayDueMessages(), 1);
  }
  m = messages_->get(bad).value();
  EXPECT_EQ(m->status, "relay_failed");
  bool notified = false;
  for (const auto& n : notifications_->list(true, 10).value()) notified |= n.type == "relay_failed";
  EXPECT_TRUE(notified);
}

TEST_F(QuarantineServiceTest, APermanentRefusalIsARejectOrABounceWithTheUpstreamsReason) {
  port_.failing = true;
  port_.permanent = true;
  const int64_t held = acceptSample();
  EXPECT_EQ(service_->release(held, {"op", "reviewer"}).outcome, Outcome::Failed);
  store::RuleRecord r;
  r.name = "pass-all";
  r.action = "pass";
  ruleRepo_->insert(r).value();
  service_->ruleBook().invalidate();
  const int64_t passed = acceptSample();
  EXPECT_EQ(service_->relayDueMessages(), 1);
  EXPECT_EQ(messages_->get(passed).value()->status, "relay_failed");  // no retry of a 5xx
  std::map<std::string, std::string> byType;
  for (const auto& n : notifications_->list(true, 10).value()) byType[n.type] = n.message;
  ASSERT_TRUE(byType.count("reject"));
  EXPECT_NE(byType["reject"].find("451 4.3.0 try later"), std::string::npos) << byType["reject"];
  ASSERT_TRUE(byType.count("bounce"));
  EXPECT_NE(byType["bounce"].find("upstream fake"), std::string::npos) << byType["bounce"];
  EXPECT_FALSE(byType.count("release_failed"));
}

TEST_F(QuarantineServiceTest, AutoReleaseRuleReleasesAfterItsWindow) {
  store::RuleRecord r;
  r.name = "timed";
  r.action = "hold";
  r.autoReleaseMinutes = 10;
  ruleRepo_->insert(r).value();
  service_->ruleBook().invalidate();
  const int64_t id = acceptSample();
  EXPECT_EQ(service_->releaseDueAutoReleases(), 0);
  clock_.advance(10 * 60'000);
  EXPECT_EQ(service_->releaseDueAutoReleases(), 1);
  EXPECT_EQ(messages_->get(id).value()->status, "released");
  EXPECT_EQ(audit_->list({}).value().front().user, "rule:timed");
}

// An edit committed after release() read the message but before it claimed it was confirmed
// to its author: it is what must be sent (the seam puts the edit exactly into that window).
TEST_F(QuarantineServiceTest, AnEditCommittedBeforeTheClaimIsTheVersionReleased) {
  const int64_t id = acceptSample("race");
  quarantine::EditResult edit;
  service_->setBeforeClaimHookForTest([&](int64_t) {
    edit = service_->edit(id, quarantine::Actor{"alice", "reviewer"}, std::string("edited"), std::nullopt);
  });
  const auto rel = service_->release(id, quarantine::Actor{"bob", "reviewer"});
  service_->setBeforeClaimHookForTest(nullptr);
  ASSERT_EQ(edit.outcome, quarantine::Outcome::Done) << edit.detail;
  ASSERT_EQ(rel.outcome, quarantine::Outcome::Done) << rel.detail;
  std::lock_guard<std::mutex> lock(port_.mu);
  ASSERT_EQ(port_.delivered.size(), 1u);
  EXPECT_NE(port_.delivered[0].raw.find("Subject: edited"), std::string::npos) << port_.delivered[0].raw;
}

