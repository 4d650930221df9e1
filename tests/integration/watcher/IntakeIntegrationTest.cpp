// Intake: what the watcher takes from INBOX, how it moves it, and that it never takes the
// same message twice (released mail, reconnects, crashes between the steps).
#include <algorithm>
#include <iostream>
#include <thread>

#include "WatcherHarness.h"
#include "common/Metrics.h"

namespace mg::watcher::test {
namespace {

using imap::SearchCriteria;

class IntakeTest : public WatcherTest {};

TEST_P(IntakeTest, AppendedMessageIsHeldAndMovedToQuarantine) {
  const int64_t id = addAccount("all");
  startWatchers();
  ASSERT_TRUE(waitOnline(id)) << state(id) << "\n" << capturedLog();
  const std::string mid = uniqueId("held");
  ASSERT_TRUE(appendToInbox("please hold", mid).ok());
  ASSERT_TRUE(waitForHeld(1)) << capturedLog();
  const auto held = messages("held");
  ASSERT_EQ(held.size(), 1u);
  EXPECT_EQ(held[0].source, "imap");
  EXPECT_EQ(held[0].accountId, id);
  EXPECT_EQ(held[0].subject, "please hold");
  EXPECT_EQ("<" + held[0].messageId + ">", mid);
  ASSERT_TRUE(waitFor([&] { return messages_->get(held[0].id).value()->imapFolderUid > 0; }));
  EXPECT_EQ(count("INBOX"), 0u);
  EXPECT_EQ(count(quarantineName()), 1u);
  const auto pos = positions_->get(id).value();
  ASSERT_TRUE(pos.has_value());
  EXPECT_EQ(pos->lastUid, held[0].imapUid);
  EXPECT_EQ(common::Metrics::global().value("mailgate_watcher_up", {{"account", "work"}}), 1.0);
  EXPECT_GT(common::Metrics::global().value("mailgate_watcher_last_heartbeat_timestamp_seconds", {{"account", "work"}}), 0.0);
}

TEST_P(IntakeTest, QuarantineFolderIsCreatedUnderTheServersNamespace) {
  const int64_t id = addAccount("all");
  startWatchers();
  ASSERT_TRUE(waitOnline(id));
  auto c = inspector();
  auto listed = c->list("", "*");
  ASSERT_TRUE(listed.ok());
  EXPECT_NE(imap::FolderResolver::find(listed.value(), quarantineName()), nullptr) << quarantineName();
}

TEST_P(IntakeTest, FlaggedMailIsLeftAloneUnlessARuleSaysSo) {
  const int64_t id = addAccount("all");
  startWatchers();
  ASSERT_TRUE(waitOnline(id));
  ASSERT_TRUE(appendToInbox("flagged one", uniqueId("flag"), {"\\Flagged"}).ok());
  auto plain = appendToInbox("plain one", uniqueId("plain"));
  ASSERT_TRUE(plain.ok());
  ASSERT_TRUE(waitScannedPast(id, plain->uid)) << capturedLog();  // both were looked at
  ASSERT_EQ(messages().size(), 1u);
  EXPECT_EQ(messages()[0].subject, "plain one");
  EXPECT_EQ(count("INBOX"), 1u);  // the flagged one stays

  rules::RuleMatch m;
  m.flagged = true;
  m.subject = "urgent";
  addRule("flagged urgent", "imap", m);
  ASSERT_TRUE(appendToInbox("urgent flagged", uniqueId("flag2"), {"\\Flagged"}).ok());
  ASSERT_TRUE(waitForPlaced(2)) << capturedLog();
  EXPECT_EQ(count("INBOX"), 1u);
}

TEST_P(IntakeTest, RulesModeTakesOnlyWhatAHoldRuleMatches) {
  rules::RuleMatch m;
  m.subject = "invoice";
  addRule("invoices", "imap", m);
  rules::RuleMatch smtpOnly;
  smtpOnly.subject = "hello";
  addRule("smtp only", "smtp", smtpOnly);  // another scope: does not apply to IMAP mail
  const int64_t id = addAccount("rules");
  startWatchers();
  ASSERT_TRUE(waitOnline(id));
  ASSERT_TRUE(appendToInbox("hello there", uniqueId("hello")).ok());
  auto invoice = appendToInbox("your invoice 42", uniqueId("inv"));
  ASSERT_TRUE(invoice.ok());
  ASSERT_TRUE(waitScannedPast(id, invoice->uid)) << capturedLog();
  const auto all = messages();
  ASSERT_EQ(all.size(), 1u);  // the other one is not stored at all
  EXPECT_EQ(all[0].subject, "your invoice 42");
  EXPECT_EQ(all[0].ruleName, "invoices");
  EXPECT_EQ(count("INBOX"), 1u);
}

TEST_P(IntakeTest, InterceptOffRecordsNothing) {
  const int64_t id = addAccount("off");
  startWatchers();
  ASSERT_TRUE(appendToInbox("left alone", uniqueId("off")).ok());
  // The pool's decision about the account is the component's round: it reports it stopped.
  ASSERT_TRUE(waitFor([&] { return state(id) == "stopped"; })) << state(id);
  for (const auto& w : pool_->watchers()) {
    if (w.accountId == id) {
      EXPECT_EQ(w.lastError, "intercept is off");  // chosen, not failed
    }
  }
  EXPECT_TRUE(messages().empty());
  EXPECT_EQ(count("INBOX"), 1u);
}

TEST_P(IntakeTest, ReleasedMailIsNeverTakenAgain) {
  const int64_t id = addAccount("all");
  startWatchers();
  ASSERT_TRUE(waitOnline(id));
  ASSERT_TRUE(appendToInbox("comes back", uniqueId("back")).ok());
  ASSERT_TRUE(waitForHeld(1));
  const int64_t emailId = messages("held")[0].id;
  ASSERT_TRUE(waitFor([&] { return messages_->get(emailId).value()->imapFolderUid > 0; }));
  const auto r = quarantine_->release(emailId, actor_);
  ASSERT_EQ(r.outcome, quarantine::Outcome::Done) << r.detail;
  EXPECT_EQ(count("INBOX"), 1u);
  EXPECT_EQ(count(quarantineName()), 0u);
  EXPECT_EQ(search("INBOX", SearchCriteria().keyword(kReleasedKeyword)).size(), 1u);
  // A message after it, seen and held: the watcher has looked past the released one.
  ASSERT_GT(appendBarrier(id), 0u) << capturedLog();
  ASSERT_TRUE(waitForHeld(1));
  EXPECT_EQ(messages().size(), 2u);  // the released one and the barrier, nothing taken twice
  EXPECT_EQ(messages_->get(emailId).value()->status, "released");
  EXPECT_EQ(count("INBOX"), 1u);
  // A second release answers "already released" and moves nothing.
  EXPECT_EQ(quarantine_->release(emailId, actor_).outcome, quarantine::Outcome::AlreadyDone);
  EXPECT_EQ(count("INBOX"), 1u);
}

TEST_P(IntakeTest, RecordedButUnmovedAndMovedButUnplacedAreReconciledAfterACrash) {
  const int64_t id = addAccount("all");
  startWatchers();
  ASSERT_TRUE(waitOnline(id));
  pool_->stop();  // as if the daemon died
  pool_.reset();
  // (a) recorded, not moved: a row for INBOX UID a, the message still in INBOX.
  const std::string midA = uniqueId("crashA");
  auto a = appendToInbox("crash a", midA);
  ASSERT_TRUE(a.ok());
  quarantine::IntakeRequest req;
  req.source = "imap";
  req.accountId = id;
  req.raw = imap::test::sampleMessage("crash a", midA);
  req.imapUid = a->uid;
  req.imapUidValidity = a->uidValidity;
  ASSERT_TRUE(quarantine_->accept(req).ok());
  // (b) recorded and moved, location never noted.
  const std::string midB = uniqueId("crashB");
  auto b = appendToInbox("crash b", midB);
  ASSERT_TRUE(b.ok());
  req.raw = imap::test::sampleMessage("crash b", midB);
  req.imapUid = b->uid;
  auto rowB = quarantine_->accept(req);
  ASSERT_TRUE(rowB.ok());
  {
    auto c = inspector();
    ASSERT_TRUE(c->select("INBOX").ok());
    ASSERT_TRUE(c->uidMove(imap::UidSet::single(b->uid), quarantineName()).ok());
  }
  startWatchers();
  ASSERT_TRUE(waitOnline(id));
  ASSERT_TRUE(waitFor([&] { return count("INBOX") == 0; })) << capturedLog();
  EXPECT_EQ(messages().size(), 2u);  // nothing recorded twice
  EXPECT_EQ(count(quarantineName()), 2u);
  for (const auto& m : messages()) {
    EXPECT_TRUE(waitFor([&] { return messages_->get(m.id).value()->imapFolderUid > 0; })) << m.subject;
  }
  // Both can be released from where they really are.
  for (const auto& m : messages()) {
    EXPECT_EQ(quarantine_->release(m.id, actor_).outcome, quarantine::Outcome::Done) << m.subject;
  }
  EXPECT_EQ(count("INBOX"), 2u);
  EXPECT_EQ(count(quarantineName()), 0u);
}

TEST_P(IntakeTest, ARecoveredImapSpoolFileStaysTheAccountsMailAndIsTakenOnce) {
  const int64_t id = addAccount("all");
  // The watcher spooled this INBOX message, then the daemon died before the row was committed.
  const std::string mid = uniqueId("spooled");
  const std::string raw = imap::test::sampleMessage("spooled only", mid);
  ASSERT_TRUE(server_->appendAs(kUser, kPassword, "INBOX", raw).ok());
  auto c = inspector();
  auto inbox = c->examine("INBOX");
  ASSERT_TRUE(inbox.ok());
  auto uids = c->uidSearch(imap::SearchCriteria().all());
  ASSERT_TRUE(uids.ok());
  ASSERT_EQ(uids->size(), 1u);
  // What the watcher writes: the origin travels in the spool file, never in free text.
  spool::SpoolEnvelope envelope{"a@example.org", {"alice@example.org"}};
  envelope.source = "imap";
  envelope.accountId = id;
  envelope.imapUidValidity = inbox->uidValidity;
  envelope.imapUid = uids->front();
  ASSERT_TRUE(spool_->write(envelope, raw).ok());
  ASSERT_EQ(quarantine_->recoverAtStart().recovered, 1);  // start-up: listed as held
  auto recovered = messages();
  ASSERT_EQ(recovered.size(), 1u);
  EXPECT_EQ(recovered[0].source, "imap");  // so it is only ever released back to its mailbox
  EXPECT_EQ(recovered[0].accountId, id);
  EXPECT_EQ(recovered[0].imapUid, int64_t(uids->front()));
  // A position from before the crash, so the watcher looks at that message again.
  ASSERT_TRUE(positions_->set(id, inbox->uidValidity, 0, 1).value());
  startWatchers();
  ASSERT_TRUE(waitOnline(id));
  ASSERT_TRUE(waitFor([&] { return count("INBOX") == 0; })) << capturedLog();
  const auto all = messages();
  ASSERT_EQ(all.size(), 1u);  // the recovered row, not a second one
  EXPECT_EQ(all[0].id, recovered[0].id);
  EXPECT_TRUE(waitFor([&] { return messages_->get(all[0].id).value()->imapFolderUid > 0; }));
  EXPECT_EQ(count(quarantineName()), 1u);
}

INSTANTIATE_TEST_SUITE_P(Layouts, IntakeTest,
                         ::testing::Values(NamespaceLayout::SlashNoPrefix, NamespaceLayout::DotInboxPrefix), layoutName);

class BurstTest : public WatcherTest {};

TEST_P(BurstTest, AThousandMessagesAreQuarantinedCompletelyInBatchedMoves) {
  const int64_t id = addAccount("all");
  startWatchers();
  ASSERT_TRUE(waitOnline(id));
  const size_t before = capturedLog().size();
  const auto t0 = std::chrono::steady_clock::now();
  {
    auto c = inspector();
    for (int i = 0; i < 1000; ++i) {
      auto r = c->append("INBOX", imap::test::sampleMessage("burst " + std::to_string(i), uniqueId("burst")), {}, std::nullopt);
      ASSERT_TRUE(r.ok()) << r.errorMessage();
    }
    (void)c->logout();
  }
  const auto appended = std::chrono::steady_clock::now();
  auto placed = [&] {
    const auto held = messages("held");
    return held.size() == 1000 && std::all_of(held.begin(), held.end(), [](const auto& m) { return m.imapFolderUid > 0; });
  };
  ASSERT_TRUE(waitFor(placed, 40'000)) << messages("held").size();
  const auto done = std::chrono::steady_clock::now();
  std::cout << "[ burst    ] appended 1000 in " << std::chrono::duration_cast<std::chrono::milliseconds>(appended - t0).count()
            << " ms; all quarantined " << std::chrono::duration_cast<std::chrono::milliseconds>(done - appended).count()
            << " ms later\n";
  EXPECT_EQ(count("INBOX"), 0u);
  EXPECT_EQ(count(quarantineName()), 1000u);
  const std::string log = capturedLog().substr(before);
  size_t moves = 0;
  for (size_t p = log.find("moved="); p != std::string::npos; p = log.find("moved=", p + 1)) ++moves;
  EXPECT_GT(moves, 0u);
  EXPECT_LT(moves, 200u) << "moves should be batched";
  for (const auto& m : messages("held")) ASSERT_GT(m.imapFolderUid, 0) << m.id;
}

INSTANTIATE_TEST_SUITE_P(Slash, BurstTest, ::testing::Values(NamespaceLayout::SlashNoPrefix), layoutName);

class NoIdleTest : public WatcherTest {
 protected:
  DovecotOptions serverOptions() const override {
    DovecotOptions o;
    o.idle = false;
    return o;
  }
};

TEST_P(NoIdleTest, ServerWithoutIdleIsPolled) {
  const int64_t id = addAccount("all");
  startWatchers();
  ASSERT_TRUE(waitOnline(id));
  bool idle = true;
  for (const auto& w : pool_->watchers()) {
    if (w.accountId == id) idle = w.idle;
  }
  EXPECT_FALSE(idle);
  ASSERT_TRUE(appendToInbox("polled", uniqueId("poll")).ok());
  ASSERT_TRUE(waitForPlaced(1, 5000)) << capturedLog();  // poll_seconds = 1
  EXPECT_EQ(count("INBOX"), 0u);
}

INSTANTIATE_TEST_SUITE_P(Layouts, NoIdleTest,
                         ::testing::Values(NamespaceLayout::SlashNoPrefix, NamespaceLayout::DotInboxPrefix), layoutName);

}  // namespace
}  // namespace mg::watcher::test
