// What the quarantine service does differently for IMAP mail: it is always held (the watcher
// decided to take it), the delivery port hears where it lives on the server and whether it
// was edited, and a discard asks the port to remove the server's copy — warning the operator
// when that fails, without undoing the discard.
#include "quarantine/QuarantineFixture.h"

using namespace mg;
using quarantine::Outcome;

namespace {

class ImapPort : public quarantine::DeliveryPort {
 public:
  quarantine::DeliveryOutcome deliver(const quarantine::DeliveryRequest& r) override {
    last = r;
    lastRaw = std::string(r.raw);
    ++deliveries;
    return {true, false, "imap:work", "moved back to INBOX"};
  }
  quarantine::DeliveryOutcome discard(const quarantine::DeliveryRequest& r) override {
    last = r;
    ++discards;
    if (discardFails) return {false, false, "imap:work", "IMAP account work: SELECT Quarantine: NO no such mailbox"};
    return {true, false, "imap:work", ""};
  }
  quarantine::DeliveryRequest last;
  std::string lastRaw;
  int deliveries = 0;
  int discards = 0;
  bool discardFails = false;
};

class ImapSourceTest : public test::QuarantineFixture {
 protected:
  void SetUp() override {
    QuarantineFixture::SetUp();
    service_->setDeliveryPort("imap", &imap_);
  }
  int64_t acceptImap() {
    quarantine::IntakeRequest req;
    req.source = "imap";
    req.accountId = 0;  // no accounts table row needed: account_id is stored as NULL
    req.rcptTo = {"alice@example.org"};
    req.raw = "From: a@example.org\r\nTo: alice@example.org\r\nSubject: s\r\nMessage-ID: <m1@x>\r\n\r\nbody\r\n";
    req.imapUid = 17;
    req.imapUidValidity = 1234;
    auto r = service_->accept(req);
    EXPECT_TRUE(r.ok()) << r.errorMessage();
    return r.ok() ? r->id : 0;
  }
  ImapPort imap_;
};

TEST_F(ImapSourceTest, ImapMailIsHeldEvenWhenTheDefaultActionIsPass) {
  quarantine::QuarantineOptions o;
  o.defaultAction = "pass";
  quarantine::QuarantineDeps deps{messages_, audit_, spool_, std::make_shared<quarantine::RuleBook>(ruleRepo_),
                                  std::make_shared<quarantine::Notifier>(notifications_, clock_), &clock_, nullptr};
  service_ = std::make_unique<quarantine::QuarantineService>(deps, o);
  const int64_t id = acceptImap();
  EXPECT_EQ(messages_->get(id).value()->status, "held");
  EXPECT_EQ(messages_->get(id).value()->imapUid, 17);
}

TEST_F(ImapSourceTest, ReleaseTellsThePortWhereTheMessageIsAndWhetherItWasEdited) {
  const int64_t id = acceptImap();
  ASSERT_TRUE(messages_->setImapLocation(id, 99, 5).value());
  ASSERT_EQ(service_->release(id, quarantine::Actor::system()).outcome, Outcome::Done);
  EXPECT_EQ(imap_.last.source, "imap");
  EXPECT_EQ(imap_.last.imapUid, 5);
  EXPECT_EQ(imap_.last.imapUidValidity, 99);
  EXPECT_EQ(imap_.last.messageId, "m1@x");
  EXPECT_FALSE(imap_.last.edited);
  EXPECT_TRUE(port_.delivered.empty());  // never the SMTP relay

  const int64_t second = acceptImap();
  ASSERT_EQ(service_->edit(second, quarantine::Actor::system(), std::string("new"), std::nullopt).outcome, Outcome::Done);
  ASSERT_EQ(service_->release(second, quarantine::Actor::system()).outcome, Outcome::Done);
  EXPECT_TRUE(imap_.last.edited);
  EXPECT_NE(imap_.lastRaw.find("Subject: new"), std::string::npos);
}

TEST_F(ImapSourceTest, DiscardAsksThePortToRemoveTheServersCopy) {
  const int64_t id = acceptImap();
  ASSERT_EQ(service_->discard(id, quarantine::Actor::system()).outcome, Outcome::Done);
  EXPECT_EQ(imap_.discards, 1);
  EXPECT_EQ(messages_->get(id).value()->status, "discarded");
  EXPECT_TRUE(notifications_->list(false, 10).value().empty());
}

TEST_F(ImapSourceTest, AFailedServerRemovalLeavesItDiscardedWithAWarning) {
  imap_.discardFails = true;
  const int64_t id = acceptImap();
  ASSERT_EQ(service_->discard(id, quarantine::Actor::system()).outcome, Outcome::Done);
  EXPECT_EQ(messages_->get(id).value()->status, "discarded");
  const auto n = notifications_->list(false, 10).value();
  ASSERT_EQ(n.size(), 1u);
  EXPECT_EQ(n[0].severity, "warning");
  EXPECT_NE(n[0].message.find("still on the server"), std::string::npos) << n[0].message;
  // Discarding again changes nothing and does not ask the server again.
  EXPECT_EQ(service_->discard(id, quarantine::Actor::system()).outcome, Outcome::AlreadyDone);
  EXPECT_EQ(imap_.discards, 1);
}

TEST_F(ImapSourceTest, SmtpDiscardNeedsNothingFromThePort) {
  const int64_t id = acceptSample();
  ASSERT_EQ(service_->discard(id, quarantine::Actor::system()).outcome, Outcome::Done);
  EXPECT_TRUE(notifications_->list(false, 10).value().empty());
  EXPECT_EQ(imap_.discards, 0);
}

}  // namespace
