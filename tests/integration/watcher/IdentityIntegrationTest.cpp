// Which server message is the held one: never another that shares its Message-ID, never a
// second copy on a retry without one, and a discard or release finds it where it really is.
// And servers with neither MOVE nor UIDPLUS: COPY, \Deleted, and only a safe EXPUNGE.
#include "WatcherHarness.h"
#include "watcher/MessageIdentity.h"

namespace mg::watcher::test {
namespace {

using quarantine::Outcome;

class IdentityTest : public WatcherTest {
 protected:
  int64_t holdOne(const std::string& subject, const std::string& messageId) {
    const size_t before = messages().size();
    if (!appendToInbox(subject, messageId).ok()) return 0;
    if (!waitFor([&] { return messages().size() > before; })) return 0;
    const int64_t id = messages().front().id;  // newest first
    return waitFor([&] { return messages_->get(id).value()->imapFolderUid > 0; }) ? id : 0;
  }
  std::vector<std::string> subjectsIn(const std::string& mailbox) {
    std::vector<std::string> out;
    for (uint32_t uid : search(mailbox, imap::SearchCriteria().all().deleted(false))) {
      const std::string raw = fetchOne(mailbox, uid);
      const size_t at = raw.find("Subject: ");
      out.push_back(at == std::string::npos ? "" : raw.substr(at + 9, raw.find("\r\n", at) - at - 9));
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  // What QuarantineService hands the port for message `id` (its current version).
  quarantine::DeliveryRequest requestFor(int64_t id, std::string& raw) {
    raw = quarantine_->rawMessage(id, false).value();
    return quarantine::QuarantineService::deliveryRequest(*messages_->get(id).value(), raw);
  }
};

TEST_P(IdentityTest, OfTwoMessagesWithOneMessageIdTheHeldOneIsReleased) {
  const int64_t account = addAccount("all");
  startWatchers();
  ASSERT_TRUE(waitOnline(account));
  const std::string shared = uniqueId("shared");
  const int64_t id = holdOne("the held one", shared);
  ASSERT_GT(id, 0) << capturedLog();
  // A list copy with the same Message-ID lands in the Quarantine folder too, and the gate's
  // record of where its message went is lost (as after a crash between MOVE and COPYUID).
  ASSERT_TRUE(peer_->appendAs(kUser, kPassword, quarantineName(), imap::test::sampleMessage("a list copy", shared)).ok());
  ASSERT_TRUE(messages_->setImapLocation(id, 0, 0).value());
  const auto r = quarantine_->release(id, actor_);
  ASSERT_EQ(r.outcome, Outcome::Done) << r.detail;
  EXPECT_EQ(subjectsIn("INBOX"), std::vector<std::string>{"the held one"});
  EXPECT_EQ(subjectsIn(quarantineName()), std::vector<std::string>{"a list copy"});  // not touched
}

TEST_P(IdentityTest, WithoutAMessageIdARetriedAppendIsNotDuplicated) {
  const int64_t account = addAccount("all");
  startWatchers();
  ASSERT_TRUE(waitOnline(account));
  const std::string raw = "From: a@example.org\r\nTo: alice@example.org\r\nSubject: no id at all\r\n\r\nbody\r\n";
  ASSERT_TRUE(peer_->appendAs(kUser, kPassword, "INBOX", raw).ok());
  ASSERT_TRUE(waitForHeld(1)) << capturedLog();
  const int64_t id = messages().front().id;
  ASSERT_TRUE(waitFor([&] { return messages_->get(id).value()->imapFolderUid > 0; }));
  // Another client deletes the Quarantine copy: a release must put the gate's copy back.
  {
    auto c = inspector();
    ASSERT_TRUE(c->select(quarantineName()).ok());
    auto all = c->uidSearch(imap::SearchCriteria().all());
    ASSERT_TRUE(all.ok());
    ASSERT_TRUE(c->uidStore(imap::UidSet::of(*all), imap::StoreMode::Add, {"\\Deleted"}).ok());
    ASSERT_TRUE(c->uidExpunge(imap::UidSet::of(*all)).ok());
    (void)c->logout();
  }
  std::string bytes;
  const auto request = requestFor(id, bytes);
  ASSERT_TRUE(port_->deliver(request).delivered);
  // The answer to that APPEND was lost, so the same delivery is tried again.
  const auto again = port_->deliver(request);
  ASSERT_TRUE(again.delivered) << again.reason;
  EXPECT_EQ(again.reason, "already in INBOX");
  EXPECT_EQ(count("INBOX"), 1u);
  const auto uids = search("INBOX", imap::SearchCriteria().all());
  ASSERT_EQ(uids.size(), 1u);
  EXPECT_NE(fetchOne("INBOX", uids[0]).find(std::string(kReleaseHeader) + ": " + releaseTag(id, 1)), std::string::npos);
}

TEST_P(IdentityTest, ADiscardOrReleaseOfAMessageNeverMovedFindsItInInbox) {
  const int64_t account = addAccount("rules");  // no rule: the watcher takes nothing itself
  startWatchers();
  ASSERT_TRUE(waitOnline(account));
  auto first = appendToInbox("recorded, never moved", uniqueId("unmoved"));
  auto second = appendToInbox("also recorded, never moved", uniqueId("unmoved2"));
  ASSERT_TRUE(first.ok() && second.ok());
  ASSERT_TRUE(waitScannedPast(account, second->uid));
  const auto inbox = inspector()->examine("INBOX");
  ASSERT_TRUE(inbox.ok());
  // The gate recorded both and stopped before moving them (as a crash would leave it).
  auto record = [&](uint32_t uid) {
    quarantine::IntakeRequest req;
    req.source = "imap";
    req.accountId = account;
    req.rcptTo = {"alice@example.org"};
    req.raw = fetchOne("INBOX", uid);
    req.imapUid = uid;
    req.imapUidValidity = inbox->uidValidity;
    return quarantine_->accept(req).value().id;
  };
  const int64_t discarded = record(first->uid);
  const int64_t released = record(second->uid);
  ASSERT_EQ(quarantine_->discard(discarded, actor_).outcome, Outcome::Done);
  EXPECT_EQ(subjectsIn("INBOX"), std::vector<std::string>{"also recorded, never moved"});  // gone from INBOX
  const auto r = quarantine_->release(released, actor_);
  ASSERT_EQ(r.outcome, Outcome::Done) << r.detail;
  EXPECT_EQ(search("INBOX", imap::SearchCriteria().keyword(kReleasedKeyword)).size(), 1u);  // released where it is
  EXPECT_EQ(count("INBOX"), 1u);
  EXPECT_EQ(count(quarantineName()), 0u);
}

INSTANTIATE_TEST_SUITE_P(Layouts, IdentityTest,
                         ::testing::Values(NamespaceLayout::SlashNoPrefix, NamespaceLayout::DotInboxPrefix), layoutName);

class NoMoveNoUidplusTest : public IdentityTest {
 protected:
  DovecotOptions serverOptions() const override {
    DovecotOptions o;
    o.moveAndUidplus = false;
    return o;
  }
  std::string note(int64_t account) {
    for (const auto& w : pool_->watchers()) {
      if (w.accountId == account) return w.note;
    }
    return "";
  }
};

TEST_P(NoMoveNoUidplusTest, MailIsCopiedAndExpungedWhenNothingElseIsDeleted) {
  const int64_t account = addAccount("all");
  startWatchers();
  ASSERT_TRUE(waitOnline(account));
  {
    auto c = inspector();
    ASSERT_FALSE(c->hasCapability("MOVE"));
    ASSERT_FALSE(c->hasCapability("UIDPLUS"));
  }
  auto a = appendToInbox("no move, no uidplus", uniqueId("plain"));
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(waitScannedPast(account, a->uid)) << capturedLog();
  EXPECT_EQ(count("INBOX"), 0u);  // copied, flagged and expunged: nothing else was \Deleted
  EXPECT_EQ(count(quarantineName()), 1u);
  EXPECT_EQ(note(account), "");
  // No COPYUID: the release finds the copy by its bytes and puts it back.
  const int64_t id = messages().front().id;
  const auto r = quarantine_->release(id, actor_);
  ASSERT_EQ(r.outcome, Outcome::Done) << r.detail;
  EXPECT_EQ(subjectsIn("INBOX"), std::vector<std::string>{"no move, no uidplus"});
  EXPECT_EQ(count(quarantineName()), 0u);
}

TEST_P(NoMoveNoUidplusTest, AnotherDeletedMessageKeepsTheExpungeWaitingAndTheWatcherSaysSo) {
  // Another mail client has marked a message \Deleted and not expunged it yet: an EXPUNGE
  // now would remove it too, which is not the gate's to do.
  ASSERT_TRUE(peer_->appendAs(kUser, kPassword, "INBOX", imap::test::sampleMessage("someone else's", uniqueId("other")),
                              {"\\Deleted"})
                  .ok());
  const int64_t account = addAccount("all");
  startWatchers();
  ASSERT_TRUE(waitOnline(account));
  auto a = appendToInbox("taken but not expunged", uniqueId("waits"));
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(waitScannedPast(account, a->uid)) << capturedLog();
  EXPECT_EQ(count(quarantineName()), 1u);
  EXPECT_EQ(count("INBOX"), 2u);  // both still there, both \Deleted (hidden by mail clients)
  EXPECT_TRUE(search("INBOX", imap::SearchCriteria().deleted(false)).empty());
  EXPECT_NE(note(account).find("wait for EXPUNGE"), std::string::npos) << note(account);
  // The other client takes its flag back: the next scan expunges exactly the gate's copy.
  {
    auto c = inspector();
    ASSERT_TRUE(c->select("INBOX").ok());
    auto theirs = c->uidSearch(imap::SearchCriteria().header("Subject", "someone else's"));
    ASSERT_TRUE(theirs.ok());
    ASSERT_TRUE(c->uidStore(imap::UidSet::of(*theirs), imap::StoreMode::Remove, {"\\Deleted"}).ok());
    (void)c->logout();
  }
  pool_->wake(account);
  ASSERT_TRUE(waitFor([&] { return count("INBOX") == 1u && note(account).empty(); })) << note(account);
  EXPECT_EQ(subjectsIn("INBOX"), std::vector<std::string>{"someone else's"});
  EXPECT_EQ(messages().size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Layouts, NoMoveNoUidplusTest,
                         ::testing::Values(NamespaceLayout::SlashNoPrefix, NamespaceLayout::DotInboxPrefix), layoutName);

}  // namespace
}  // namespace mg::watcher::test
