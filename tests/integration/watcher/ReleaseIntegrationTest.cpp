// Release, edit + release, discard of IMAP mail, and the failures an operator must be able
// to act on (folder gone, login refused), each retried successfully once the cause is fixed.
#include <thread>

#include "WatcherHarness.h"
#include "common/Metrics.h"
#include "watcher/ImapAccountProbe.h"
#include "watcher/MessageIdentity.h"

namespace mg::watcher::test {
namespace {

using imap::SearchCriteria;
using quarantine::Outcome;

class ReleaseTest : public WatcherTest {
 protected:
  // One message taken in and placed in Quarantine; returns its id.
  int64_t holdOne(const std::string& subject, std::string* messageId = nullptr) {
    accountId_ = addAccount("all");
    startWatchers();
    EXPECT_TRUE(waitOnline(accountId_)) << capturedLog();
    const std::string mid = uniqueId("rel");
    if (messageId) *messageId = mid;
    EXPECT_TRUE(appendToInbox(subject, mid).ok());
    EXPECT_TRUE(waitForHeld(1)) << capturedLog();
    auto held = messages("held");
    if (held.empty()) return 0;
    const int64_t id = held[0].id;
    EXPECT_TRUE(waitFor([&] { return messages_->get(id).value()->imapFolderUid > 0; }));
    return id;
  }
  // What a release of `version` leaves when it fails after its APPEND: the gate's tagged copy
  // (header and keyword) in INBOX, the original still in Quarantine.
  bool appendGateCopy(int64_t id, int version) {
    auto raw = quarantine_->rawMessage(id, false);
    if (!raw.ok()) return false;
    auto c = inspector();
    const bool ok = c->append("INBOX", std::string(kReleaseHeader) + ": " + releaseTag(id, version) + "\r\n" + raw.value(),
                              {kReleasedKeyword}, std::nullopt)
                        .ok();
    (void)c->logout();
    return ok;
  }
  int64_t accountId_ = 0;
};

TEST_P(ReleaseTest, EditedReleaseDeliversTheEditedVersionOnce) {
  std::string mid;
  const int64_t id = holdOne("original subject", &mid);
  ASSERT_GT(id, 0);
  const auto e = quarantine_->edit(id, actor_, std::string("edited subject"), std::string("edited body\n"));
  ASSERT_EQ(e.outcome, Outcome::Done) << e.detail;
  const auto r = quarantine_->release(id, actor_);
  ASSERT_EQ(r.outcome, Outcome::Done) << r.detail;
  const auto inInbox = search("INBOX", SearchCriteria().all());
  ASSERT_EQ(inInbox.size(), 1u);
  const std::string delivered = fetchOne("INBOX", inInbox[0]);
  EXPECT_NE(delivered.find("edited subject"), std::string::npos) << delivered;
  EXPECT_EQ(delivered.find("original subject"), std::string::npos);
  EXPECT_EQ(count(quarantineName()), 0u);  // the original is gone from Quarantine
  EXPECT_EQ(search("INBOX", SearchCriteria().keyword(kReleasedKeyword)).size(), 1u);

  // The port again (as a retry after a lost answer would): INBOX already has it, no append.
  auto m = messages_->get(id).value();
  auto raw = quarantine_->rawMessage(id, false);
  ASSERT_TRUE(raw.ok());
  const auto again = quarantine::QuarantineService::deliveryRequest(*m, raw.value());  // the same version
  const auto out = port_->deliver(again);
  EXPECT_TRUE(out.delivered) << out.reason;
  EXPECT_EQ(count("INBOX"), 1u);
  ASSERT_GT(appendBarrier(accountId_), 0u) << capturedLog();  // the watcher looked past the copy
  EXPECT_EQ(messages().size(), 2u);  // the edited copy in INBOX is not taken again (+ the barrier)
  EXPECT_EQ(count("INBOX"), 1u);
}

// A release that failed after its APPEND (the original could not be removed), then an edit:
// the copy of the old version must not stay beside the new one.
TEST_P(ReleaseTest, ACopyOfAnEarlierVersionIsReplacedByTheReleasedOne) {
  const int64_t id = holdOne("stale original");
  ASSERT_GT(id, 0);
  ASSERT_TRUE(appendGateCopy(id, 1));
  ASSERT_EQ(quarantine_->edit(id, actor_, std::string("stale edited"), std::nullopt).outcome, Outcome::Done);
  const auto r = quarantine_->release(id, actor_);
  ASSERT_EQ(r.outcome, Outcome::Done) << r.detail;
  const auto inInbox = search("INBOX", SearchCriteria().all());
  ASSERT_EQ(inInbox.size(), 1u);
  const std::string delivered = fetchOne("INBOX", inInbox[0]);
  EXPECT_NE(delivered.find(releaseTag(id, 2)), std::string::npos) << delivered;
  EXPECT_NE(delivered.find("stale edited"), std::string::npos);
  EXPECT_EQ(count(quarantineName()), 0u);
}

TEST_P(ReleaseTest, ADiscardAlsoRemovesACopyAFailedReleaseAppended) {
  const int64_t id = holdOne("appended then discarded");
  ASSERT_GT(id, 0);
  ASSERT_TRUE(appendGateCopy(id, 1));
  ASSERT_EQ(count("INBOX"), 1u);
  const auto r = quarantine_->discard(id, actor_);
  ASSERT_EQ(r.outcome, Outcome::Done) << r.detail;
  EXPECT_EQ(count("INBOX"), 0u);
  EXPECT_EQ(count(quarantineName()), 0u);
}

// IMAP SEARCH HEADER matches substrings: the copy of message 12 must not pass for message 2's.
TEST_P(ReleaseTest, TheReleaseTagOfOneMessageNeverFindsAnothersCopy) {
  const int64_t id = holdOne("tag prefix");
  ASSERT_GT(id, 0);
  auto m = messages_->get(id).value();
  auto raw = quarantine_->rawMessage(id, false);
  ASSERT_TRUE(m && raw.ok());
  auto as = [&](int64_t emailId) {
    auto req = quarantine::QuarantineService::deliveryRequest(*m, raw.value());
    req.emailId = emailId;
    req.edited = true;  // the path that appends the gate's copy
    req.version = 2;
    return req;
  };
  ASSERT_TRUE(port_->deliver(as(12)).delivered);
  ASSERT_EQ(count("INBOX"), 1u);
  const auto second = port_->deliver(as(2));
  ASSERT_TRUE(second.delivered) << second.reason;
  EXPECT_EQ(second.reason.find("already"), std::string::npos) << second.reason;
  EXPECT_EQ(count("INBOX"), 2u);  // each has its own copy
}

// Anyone can send mail that carries mailgate's header; only the keyword (which only a client
// of the mailbox can set) makes a copy mailgate's. A forged one must not stop the release.
TEST_P(ReleaseTest, AForgedReleaseHeaderIsNotTakenForTheGatesCopy) {
  rules::RuleMatch m;
  m.subject = "hold me";
  addRule("hold", "imap", m);
  accountId_ = addAccount("rules");
  startWatchers();
  ASSERT_TRUE(waitOnline(accountId_)) << capturedLog();
  ASSERT_TRUE(appendToInbox("hold me", uniqueId("forged")).ok());
  ASSERT_TRUE(waitForPlaced(1)) << capturedLog();
  const int64_t id = messages("held")[0].id;
  const std::string forged = "From: x@example.org\r\nSubject: forged\r\n" + std::string(kReleaseHeader) + ": " +
                             releaseTag(id, 2) + "\r\n\r\nnot from mailgate\r\n";
  auto c = inspector();
  auto appended = c->append("INBOX", forged, {}, std::nullopt);
  ASSERT_TRUE(appended.ok());
  (void)c->logout();
  ASSERT_TRUE(waitScannedPast(accountId_, appended->uid)) << capturedLog();  // left in INBOX: no rule
  ASSERT_EQ(quarantine_->edit(id, actor_, std::string("the edited one"), std::nullopt).outcome, Outcome::Done);
  const auto r = quarantine_->release(id, actor_);
  ASSERT_EQ(r.outcome, Outcome::Done) << r.detail;
  const auto inInbox = search("INBOX", SearchCriteria().all());
  ASSERT_EQ(inInbox.size(), 2u);  // the forged mail, and the released version beside it
  std::string both;
  for (uint32_t u : inInbox) both += fetchOne("INBOX", u);
  EXPECT_NE(both.find("the edited one"), std::string::npos) << both;
  EXPECT_NE(both.find("not from mailgate"), std::string::npos);
  EXPECT_EQ(count(quarantineName()), 0u);
}

TEST_P(ReleaseTest, DiscardRemovesItFromQuarantine) {
  const int64_t id = holdOne("to be discarded");
  ASSERT_GT(id, 0);
  ASSERT_EQ(count(quarantineName()), 1u);
  const auto r = quarantine_->discard(id, actor_);
  ASSERT_EQ(r.outcome, Outcome::Done) << r.detail;
  EXPECT_EQ(messages_->get(id).value()->status, "discarded");
  EXPECT_EQ(count(quarantineName()), 0u);
  EXPECT_EQ(count("INBOX"), 0u);
  EXPECT_EQ(notificationsOfType("discard_incomplete"), 0);
}

TEST_P(ReleaseTest, DeletedQuarantineFolderFailsTheReleaseUntilItIsBack) {
  const int64_t id = holdOne("folder will vanish");
  ASSERT_GT(id, 0);
  ASSERT_TRUE(server_->deleteFolderAs(kUser, kPassword, quarantineName()).ok());
  const auto failed = quarantine_->release(id, actor_);
  ASSERT_EQ(failed.outcome, Outcome::Failed);
  const auto m = messages_->get(id).value();
  EXPECT_EQ(m->status, "release_failed");
  EXPECT_NE(m->failureReason.find("no longer exists"), std::string::npos) << m->failureReason;
  EXPECT_NE(m->failureReason.find(quarantineName()), std::string::npos) << m->failureReason;
  EXPECT_GE(notificationsOfType("release_failed"), 1);
  {
    auto c = inspector();  // the operator recreates the folder
    ASSERT_TRUE(c->create(quarantineName()).ok());
  }
  const auto retried = quarantine_->release(id, actor_);
  ASSERT_EQ(retried.outcome, Outcome::Done) << retried.detail;
  EXPECT_EQ(messages_->get(id).value()->status, "released");
  // The server lost its copy with the folder: the gate's own copy goes back, once.
  EXPECT_EQ(count("INBOX"), 1u);
  EXPECT_EQ(search("INBOX", SearchCriteria().keyword(kReleasedKeyword)).size(), 1u);
}

TEST_P(ReleaseTest, RefusedLoginFailsTheReleaseWithAReasonUntilFixed) {
  const int64_t id = holdOne("login will fail");
  ASSERT_GT(id, 0);
  server_->addUser(kUser, "another-password-entirely");
  // Dovecot looks at its passwd-file at most once a second: the change is in effect once a
  // fresh login with the old password is refused (the server's own answer, not a sleep).
  ASSERT_TRUE(waitFor([&] {
    imap::ImapClient probe(server_->clientOptions());
    return probe.connect().ok() && !probe.login(kUser, kPassword).ok();
  }));
  accounts::AccountChanges c;
  c.quarantineFolder = "Quarantine";  // any update restarts the account's watcher and pool
  ASSERT_TRUE(accounts_->update(accountId_, c, "tester").ok());
  const auto failed = quarantine_->release(id, actor_);
  ASSERT_EQ(failed.outcome, Outcome::Failed);
  const auto m = messages_->get(id).value();
  EXPECT_EQ(m->status, "release_failed");
  EXPECT_NE(m->failureReason.find("logging in"), std::string::npos) << m->failureReason;
  EXPECT_NE(m->failureReason.find("work"), std::string::npos) << m->failureReason;
  server_->addUser(kUser, kPassword);  // fixed on the server
  ASSERT_TRUE(waitFor([&] { return quarantine_->release(id, actor_).outcome == Outcome::Done; }, 5000))
      << messages_->get(id).value()->failureReason;
  EXPECT_EQ(count("INBOX"), 1u);
  EXPECT_EQ(count(quarantineName()), 0u);
}

TEST_P(ReleaseTest, ConnectionsAreReusedFromThePool) {
  const int64_t id = holdOne("pooled");
  ASSERT_GT(id, 0);
  const double hits = common::Metrics::global().value("mailgate_imap_pool_hits_total");
  ASSERT_EQ(quarantine_->release(id, actor_).outcome, Outcome::Done);
  ASSERT_TRUE(appendToInbox("second", uniqueId("second")).ok());
  ASSERT_TRUE(waitForHeld(1));
  const int64_t second = messages("held")[0].id;
  ASSERT_TRUE(waitFor([&] { return messages_->get(second).value()->imapFolderUid > 0; }));
  ASSERT_EQ(quarantine_->discard(second, actor_).outcome, Outcome::Done);
  EXPECT_GE(common::Metrics::global().value("mailgate_imap_pool_hits_total") - hits, 1.0);
  EXPECT_LE(pool_->poolFor(accountId_)->size(), 2u);
}

TEST_P(ReleaseTest, ProbeReportsEveryStage) {
  accountId_ = addAccount("all");
  auto settings = accounts_->settingsFor(accountId_);
  ASSERT_TRUE(settings.ok());
  ImapAccountProbe probe(server_->clientOptions());
  auto stages = probe.test(settings.value());
  std::vector<std::string> names;
  for (const auto& s : stages) {
    names.push_back(s.name);
    EXPECT_TRUE(s.ok) << s.name << ": " << s.error;
  }
  EXPECT_EQ(names, (std::vector<std::string>{"connect", "login", "list", "quarantine"}));
  auto bad = settings.value();
  bad.password = "wrong-password-xyz";
  stages = probe.test(bad);
  ASSERT_FALSE(stages.empty());
  EXPECT_EQ(stages.back().name, "login");
  EXPECT_FALSE(stages.back().ok);
  EXPECT_EQ(stages.back().error.find("wrong-password-xyz"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Layouts, ReleaseTest,
                         ::testing::Values(NamespaceLayout::SlashNoPrefix, NamespaceLayout::DotInboxPrefix), layoutName);

}  // namespace
}  // namespace mg::watcher::test
