// Retention and undiscard: what goes when, what stays, and that a purged message never
// comes back (neither by undiscard nor by start-up recovery).
#include <Poco/Data/Session.h>

#include <filesystem>

#include "QuarantineFixture.h"
#include "quarantine/Retention.h"

namespace mg::test {
namespace {

constexpr int64_t kDay = 24LL * 3600 * 1000;

class RetentionTest : public QuarantineFixture {
 protected:
  void SetUp() override {
    QuarantineFixture::SetUp();
    // The store stamps updated_at with the real clock: the manual one starts there.
    clock_.advance(common::SystemClock::instance().nowMillis() - clock_.nowMillis());
    repo_ = std::make_shared<store::RetentionRepository>(db_);
    policy_.doneMaxAgeDays = 30;
    policy_.doneMaxMessages = 100000;
    retention_ = std::make_unique<quarantine::Retention>(*service_, repo_, spool_,
                                                         std::make_shared<quarantine::Notifier>(notifications_, clock_),
                                                         clock_, policy_);
  }
  int64_t discarded(const std::string& subject) {
    const int64_t id = acceptSample(subject);
    EXPECT_EQ(service_->discard(id, actor_).outcome, quarantine::Outcome::Done);
    return id;
  }
  std::string spoolNameOf(int64_t id) { return messages_->get(id).value()->spoolName; }
  void setDoneAt(int64_t id, int64_t at) {
    ASSERT_TRUE(db_->attemptVoid("test: done time", [&](Poco::Data::Session& s) {
                     s << "UPDATE messages SET updated_at = ? WHERE id = ?", Poco::Data::Keywords::bind(Poco::Int64(at)),
                         Poco::Data::Keywords::bind(Poco::Int64(id)), Poco::Data::Keywords::now;
                   }).ok());
  }

  std::shared_ptr<store::RetentionRepository> repo_;
  common::RetentionSettings policy_;
  std::unique_ptr<quarantine::Retention> retention_;
  quarantine::Actor actor_{"alice", "reviewer"};
};

TEST_F(RetentionTest, UndiscardPutsADiscardedMessageBackToHeldAndAuditsIt) {
  const int64_t id = discarded("oops");
  const auto r = service_->undiscard(id, actor_);
  ASSERT_EQ(r.outcome, quarantine::Outcome::Done) << r.detail;
  EXPECT_EQ(messages_->get(id).value()->status, "held");
  EXPECT_EQ(service_->undiscard(id, actor_).outcome, quarantine::Outcome::AlreadyDone);
  bool audited = false;
  for (const auto& e : audit_->list({}).value()) audited |= e.action == "undiscard" && e.emailId == id && e.user == "alice";
  EXPECT_TRUE(audited);
  // It is a held message again: it can be released.
  EXPECT_EQ(service_->release(id, actor_).outcome, quarantine::Outcome::Done);
}

TEST_F(RetentionTest, UndiscardOfMailThatWasNeverDiscardedIsAConflictAndOfNoMessageNotFound) {
  const int64_t id = acceptSample();
  ASSERT_EQ(service_->release(id, actor_).outcome, quarantine::Outcome::Done);
  EXPECT_EQ(service_->undiscard(id, actor_).outcome, quarantine::Outcome::Conflict);
  EXPECT_EQ(service_->undiscard(id + 100, actor_).outcome, quarantine::Outcome::NotFound);
}

TEST_F(RetentionTest, DoneMailPastItsAgeIsPurgedWithItsSpoolFilesAndThenGone) {
  const int64_t old = discarded("old");
  const std::string oldFile = spoolNameOf(old);
  const int64_t held = acceptSample("still held");
  ASSERT_TRUE(spool_->exists(oldFile));

  auto r = retention_->runBatch();
  EXPECT_EQ(r.purged, 0) << r.error;  // not yet 30 days
  clock_.advance(31 * kDay);
  const auto plan = retention_->plan(10).value();
  ASSERT_EQ(plan.purge.size(), 1u);
  EXPECT_EQ(plan.purge[0].id, old);
  EXPECT_TRUE(spool_->exists(oldFile));  // a dry run changes nothing

  r = retention_->runBatch();
  EXPECT_TRUE(r.error.empty()) << r.error;
  EXPECT_EQ(r.purged, 1);
  EXPECT_EQ(r.filesRemoved, 1);
  EXPECT_FALSE(messages_->get(old).value().has_value());
  EXPECT_FALSE(spool_->exists(oldFile));
  EXPECT_EQ(messages_->get(held).value()->status, "held");  // held mail is never purged
  EXPECT_EQ(service_->undiscard(old, actor_).outcome, quarantine::Outcome::Gone);
  // …and start-up recovery has nothing to bring back.
  EXPECT_EQ(service_->recoverAtStart().recovered, 0);
}

TEST_F(RetentionTest, BeyondDoneMaxMessagesTheEarliestDoneGoFirst) {
  policy_.doneMaxMessages = 2;
  retention_->setPolicy(policy_);
  std::vector<int64_t> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(acceptSample("m" + std::to_string(i)));
  // Done in the reverse order of arrival: the oldest message is the most recently done,
  // and it is kept (an undiscard of it must stay possible). The store stamps updated_at with
  // the wall clock; the test sets distinct done times itself instead of waiting for it to tick.
  for (int i = 4; i >= 0; --i) {
    ASSERT_EQ(service_->discard(ids[i], actor_).outcome, quarantine::Outcome::Done);
    setDoneAt(ids[i], clock_.nowMillis() + (5 - i));
  }
  const auto r = retention_->runBatch();
  EXPECT_EQ(r.purged, 3) << r.error;
  for (int i = 2; i < 5; ++i) EXPECT_FALSE(messages_->get(ids[i]).value().has_value()) << i;
  for (int i = 0; i < 2; ++i) EXPECT_TRUE(messages_->get(ids[i]).value().has_value()) << i;
}

TEST_F(RetentionTest, ZeroMeansOffNotEverythingNow) {
  policy_.doneMaxMessages = 0;
  policy_.doneMaxAgeDays = 0;
  retention_->setPolicy(policy_);
  const int64_t id = discarded("kept");
  clock_.advance(3650 * kDay);
  EXPECT_EQ(retention_->runBatch().purged, 0);
  EXPECT_TRUE(messages_->get(id).value().has_value());
}

TEST_F(RetentionTest, AnInterruptedPurgeIsFinishedAndItsFilesAreNeverRecoveredAsNewMail) {
  const int64_t id = discarded("half purged");
  const std::string file = spoolNameOf(id);
  clock_.advance(31 * kDay);
  // Step one only, as if the process died right after it.
  auto due = repo_->doneToPurge(clock_.nowMillis() - 30 * kDay, 100000, 10).value();
  ASSERT_EQ(repo_->markPurging(due).value().size(), 1u);
  EXPECT_EQ(service_->recoverAtStart().recovered, 0);  // the row still names the file
  EXPECT_EQ(service_->undiscard(id, actor_).outcome, quarantine::Outcome::Gone);
  const auto r = retention_->runBatch();
  EXPECT_EQ(r.purged, 1) << r.error;
  EXPECT_FALSE(spool_->exists(file));
  EXPECT_FALSE(messages_->get(id).value().has_value());
}

TEST_F(RetentionTest, AnUndiscardBetweenPlanAndPurgeKeepsTheMessage) {
  const int64_t id = discarded("saved in time");
  clock_.advance(31 * kDay);
  auto due = repo_->doneToPurge(clock_.nowMillis() - 30 * kDay, 100000, 10).value();
  ASSERT_EQ(due.size(), 1u);
  ASSERT_EQ(service_->undiscard(id, actor_).outcome, quarantine::Outcome::Done);
  EXPECT_TRUE(repo_->markPurging(due).value().empty());  // guarded by the status it had
  EXPECT_EQ(messages_->get(id).value()->status, "held");
  EXPECT_TRUE(spool_->exists(spoolNameOf(id)));
}

TEST_F(RetentionTest, HeldMailOlderThanHeldMaxAgeIsDiscardedAuditedAndNotified) {
  const int64_t id = acceptSample("forgotten");
  policy_.heldMaxAgeDays = 7;
  retention_->setPolicy(policy_);
  EXPECT_EQ(retention_->runBatch().expired, 0);
  clock_.advance(8 * kDay);
  // received_at comes from the manual clock of accept(): 8 days before now.
  const auto r = retention_->runBatch();
  EXPECT_EQ(r.expired, 1) << r.error;
  EXPECT_EQ(messages_->get(id).value()->status, "discarded");
  bool audited = false;
  for (const auto& e : audit_->list({}).value()) audited |= e.action == "discard" && e.user == "retention";
  EXPECT_TRUE(audited);
  bool notified = false;
  for (const auto& n : notifications_->list(true, 10).value()) notified |= n.type == "held_expired";
  EXPECT_TRUE(notified);
  // The bytes are still there until done retention purges it: undiscard brings it back.
  EXPECT_EQ(service_->undiscard(id, actor_).outcome, quarantine::Outcome::Done);
}

TEST_F(RetentionTest, ALargePurgeGoesInBatchesOfBoundedSize) {
  policy_.doneMaxMessages = 1;
  retention_->setPolicy(policy_);
  const int n = quarantine::Retention::kBatch + 51;
  for (int i = 0; i < n; ++i) discarded("bulk");
  auto first = retention_->runBatch();
  EXPECT_EQ(first.purged, quarantine::Retention::kBatch);
  EXPECT_TRUE(first.more);
  auto second = retention_->runBatch();
  EXPECT_EQ(second.purged, 50);
  EXPECT_FALSE(second.more);
}

}  // namespace
}  // namespace mg::test
