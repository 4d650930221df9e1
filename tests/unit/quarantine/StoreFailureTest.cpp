// A store that refuses writes after a release claimed its message (SQLITE_FULL, an I/O error):
// the message must still end in released or release_failed, the caller hears what really
// happened, and nothing is sent twice. Faults come from the store's test seam
// (Database::setFaultForTest), which fails exactly the named operation.
#include <memory>

#include "quarantine/QuarantineFixture.h"

using namespace mg;

namespace {
// Lets the first `allowed` calls of `operation` through, then fails every later one.
std::function<std::string(const std::string&)> failAfter(const std::string& operation, int allowed,
                                                         std::shared_ptr<int> seen = std::make_shared<int>(0)) {
  return [=](const std::string& op) -> std::string {
    if (op != operation) return "";
    return (*seen)++ < allowed ? "" : "database or disk is full";
  };
}
}  // namespace

class StoreFailureTest : public test::QuarantineFixture {
 protected:
  std::string status(int64_t id) { return messages_->get(id).value()->status; }
  size_t deliveries() {
    std::lock_guard<std::mutex> lock(port_.mu);
    return port_.delivered.size();
  }
  bool notified(const std::string& type) {
    for (const auto& n : notifications_->list(false, 50).value()) {
      if (n.type == type) return true;
    }
    return false;
  }
};

TEST_F(StoreFailureTest, AStoreErrorAfterTheClaimStillEndsReleasedAndTheCallerHearsItWentOut) {
  const int64_t id = acceptSample();
  db_->setFaultForTest(failAfter("changing the status", 1));  // the claim works, its end does not
  const auto r = service_->release(id, quarantine::Actor::system());
  EXPECT_EQ(r.outcome, quarantine::Outcome::Done);  // it was delivered: not a 500
  EXPECT_EQ(r.status, "released");
  EXPECT_NE(r.unrecorded.find("database or disk is full"), std::string::npos) << r.unrecorded;
  EXPECT_EQ(deliveries(), 1u);
  EXPECT_EQ(status(id), "releasing");  // what the database holds while it refuses writes
  EXPECT_EQ(service_->pendingOutcomes(), 1u);
  EXPECT_EQ(service_->recordPendingOutcomes(), 1u);  // still refused: still pending, not dropped

  db_->setFaultForTest(nullptr);  // space freed
  EXPECT_EQ(service_->recordPendingOutcomes(), 0u);
  EXPECT_EQ(status(id), "released");
  EXPECT_EQ(service_->release(id, quarantine::Actor::system()).outcome, quarantine::Outcome::AlreadyDone);
  EXPECT_EQ(deliveries(), 1u);
  EXPECT_TRUE(notified("store_error"));
}

TEST_F(StoreFailureTest, AFailedDeliveryWhoseRecordIsRefusedEndsReleaseFailedWithItsReason) {
  const int64_t id = acceptSample();
  port_.failing = true;
  db_->setFaultForTest(failAfter("changing the status", 1));
  const auto r = service_->release(id, quarantine::Actor::system());
  EXPECT_EQ(r.outcome, quarantine::Outcome::Failed);
  EXPECT_EQ(r.status, "release_failed");
  EXPECT_FALSE(r.unrecorded.empty());
  db_->setFaultForTest(nullptr);
  EXPECT_EQ(service_->recordPendingOutcomes(), 0u);
  auto m = messages_->get(id).value();
  EXPECT_EQ(m->status, "release_failed");
  EXPECT_NE(m->failureReason.find("451 4.3.0"), std::string::npos) << m->failureReason;
  port_.failing = false;  // and it can be released again
  EXPECT_EQ(service_->release(id, quarantine::Actor::system()).outcome, quarantine::Outcome::Done);
  EXPECT_EQ(status(id), "released");
}

TEST_F(StoreFailureTest, ARestartBeforeTheStoreRecoversRecordsTheDeliveryAsReleasedNotInterrupted) {
  const int64_t id = acceptSample();
  db_->setFaultForTest(failAfter("changing the status", 1));
  ASSERT_EQ(service_->release(id, quarantine::Actor::system()).outcome, quarantine::Outcome::Done);
  db_->setFaultForTest(nullptr);
  service_.reset();  // the process stops with the outcome still pending
  db_.reset();
  open();
  const auto report = service_->recoverAtStart();
  EXPECT_EQ(report.deliveredUnrecorded, 1);
  EXPECT_EQ(report.interruptedReleases, 0);
  EXPECT_EQ(status(id), "released");
  EXPECT_EQ(deliveries(), 1u);
  // The marker is gone once recorded: a later start does not touch the message again.
  EXPECT_EQ(service_->recoverAtStart().deliveredUnrecorded, 0);
}

TEST_F(StoreFailureTest, AStoreErrorAtTheClaimChangesNothingAndSaysUnavailable) {
  const int64_t id = acceptSample();
  db_->setFaultForTest(failAfter("changing the status", 0));
  const auto r = service_->release(id, quarantine::Actor::system());
  EXPECT_EQ(r.outcome, quarantine::Outcome::Unavailable);
  EXPECT_NE(r.detail.find("database or disk is full"), std::string::npos) << r.detail;
  EXPECT_EQ(deliveries(), 0u);
  EXPECT_EQ(service_->discard(id, quarantine::Actor::system()).outcome, quarantine::Outcome::Unavailable);
  db_->setFaultForTest(nullptr);
  EXPECT_EQ(status(id), "held");
  EXPECT_EQ(service_->pendingOutcomes(), 0u);
}

TEST_F(StoreFailureTest, AClaimedMessageThatCannotBeReadBackEndsReleaseFailedUnsent) {
  const int64_t id = acceptSample();
  db_->setFaultForTest(failAfter("reading message", 1));  // the first read works, the one after the claim not
  const auto r = service_->release(id, quarantine::Actor::system());
  db_->setFaultForTest(nullptr);
  EXPECT_EQ(r.outcome, quarantine::Outcome::Failed);
  EXPECT_EQ(deliveries(), 0u);
  auto m = messages_->get(id).value();
  EXPECT_EQ(m->status, "release_failed");
  EXPECT_NE(m->failureReason.find("could not read the claimed message"), std::string::npos) << m->failureReason;
}

TEST_F(StoreFailureTest, AnAuditLogThatCannotBeWrittenDoesNotUndoTheRelease) {
  const int64_t id = acceptSample();
  db_->setFaultForTest(failAfter("writing the audit entry", 0));
  const auto r = service_->release(id, quarantine::Actor::system());
  db_->setFaultForTest(nullptr);
  EXPECT_EQ(r.outcome, quarantine::Outcome::Done);
  EXPECT_TRUE(r.unrecorded.empty());
  EXPECT_EQ(status(id), "released");
}

TEST_F(StoreFailureTest, PassMailWhoseRelayedRecordIsRefusedIsRelayedOnceAndRecordedLater) {
  store::RuleRecord rule;
  rule.name = "pass-all";
  rule.action = "pass";
  ASSERT_TRUE(ruleRepo_->insert(rule).value());
  service_->ruleBook().invalidate();
  const int64_t id = acceptSample();
  ASSERT_EQ(status(id), "queued");
  db_->setFaultForTest(failAfter("changing the status", 1));
  EXPECT_EQ(service_->relayDueMessages(), 1);
  EXPECT_EQ(deliveries(), 1u);
  EXPECT_EQ(service_->relayDueMessages(), 0);  // still "releasing" in the store: not queued again
  db_->setFaultForTest(nullptr);
  EXPECT_EQ(service_->recordPendingOutcomes(), 0u);
  EXPECT_EQ(status(id), "relayed");
  EXPECT_EQ(service_->relayDueMessages(), 0);
  EXPECT_EQ(deliveries(), 1u);
}
