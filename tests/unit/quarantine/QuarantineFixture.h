#pragma once
#include <atomic>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include "TempDir.h"
#include "quarantine/QuarantineService.h"

namespace mg::test {

// Records deliveries; fails while `failing` is set. The real relay is tested against
// smtp-sink in tests/integration; here only the state machine is under test.
class RecordingPort : public quarantine::DeliveryPort {
 public:
  quarantine::DeliveryOutcome deliver(const quarantine::DeliveryRequest& r) override {
    std::this_thread::sleep_for(std::chrono::milliseconds(delayMs));
    std::lock_guard<std::mutex> lock(mu);
    if (failing) return {false, permanent, "fake", "upstream fake: 451 4.3.0 try later"};
    delivered.push_back({r.emailId, std::string(r.raw), r.rcptTo});
    return {true, false, "fake", "250 ok"};
  }
  struct Delivery {
    long long id;
    std::string raw;
    std::vector<std::string> rcpts;
  };
  std::mutex mu;
  std::vector<Delivery> delivered;
  std::atomic<bool> failing{false};
  bool permanent = false;
  int delayMs = 0;
};

class QuarantineFixture : public ::testing::Test {
 protected:
  void SetUp() override { open(); }
  void open() {
    auto db = store::Database::open(dir_.file("mailgate.db"));
    ASSERT_TRUE(db.ok()) << db.errorMessage();
    db_ = db.value();
    spool_ = std::make_shared<spool::Spool>(dir_.file("spool"));
    ASSERT_TRUE(spool_->init().ok());
    messages_ = std::make_shared<store::MessageRepository>(db_);
    audit_ = std::make_shared<store::AuditRepository>(db_);
    notifications_ = std::make_shared<store::NotificationRepository>(db_);
    ruleRepo_ = std::make_shared<store::RuleRepository>(db_);
    quarantine::QuarantineDeps deps{messages_, audit_, spool_, std::make_shared<quarantine::RuleBook>(ruleRepo_),
                                    std::make_shared<quarantine::Notifier>(notifications_, clock_), &clock_,
                                    std::make_shared<store::RetentionRepository>(db_)};
    quarantine::QuarantineOptions opts;
    opts.relayRetries = 2;
    opts.retryBaseSeconds = 10;
    service_ = std::make_unique<quarantine::QuarantineService>(deps, opts);
    service_->setDeliveryPort("smtp", &port_);
  }
  int64_t acceptSample(const std::string& subject = "hello") {
    quarantine::IntakeRequest req;
    req.mailFrom = "a@example.org";
    req.rcptTo = {"b@example.org"};
    req.raw = "From: a@example.org\r\nTo: b@example.org\r\nSubject: " + subject + "\r\n\r\nbody line\r\n";
    auto r = service_->accept(req);
    EXPECT_TRUE(r.ok()) << r.errorMessage();
    return r.ok() ? r->id : 0;
  }

  TempDir dir_;
  common::ManualClock clock_;
  RecordingPort port_;
  std::shared_ptr<store::Database> db_;
  std::shared_ptr<spool::Spool> spool_;
  std::shared_ptr<store::MessageRepository> messages_;
  std::shared_ptr<store::AuditRepository> audit_;
  std::shared_ptr<store::NotificationRepository> notifications_;
  std::shared_ptr<store::RuleRepository> ruleRepo_;
  std::unique_ptr<quarantine::QuarantineService> service_;
};

}  // namespace mg::test
