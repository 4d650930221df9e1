#include "quarantine/QuarantineFixture.h"

using namespace mg;

class RecoveryTest : public test::QuarantineFixture {};

TEST_F(RecoveryTest, InterruptedReleaseBecomesReleaseFailedWithReason) {
  const int64_t id = acceptSample();
  ASSERT_TRUE(messages_->transition(id, {"held"}, "releasing").value());
  auto report = service_->recoverAtStart();
  EXPECT_EQ(report.interruptedReleases, 1);
  auto m = messages_->get(id).value();
  EXPECT_EQ(m->status, "release_failed");
  EXPECT_NE(m->failureReason.find("restart"), std::string::npos);
}

TEST_F(RecoveryTest, OrphanSpoolFilesAreHeldOnceAndDuplicatesRemoved) {
  const int64_t existing = acceptSample("known");
  const std::string knownRaw = *service_->rawMessage(existing, true);
  // A crash after the spool rename but before the row commit:
  auto orphan = spool_->write({"x@example.org", {"y@example.org"}}, "Subject: orphan\r\n\r\nlost?\r\n");
  ASSERT_TRUE(orphan.ok());
  auto dup = spool_->write({"a@example.org", {"b@example.org"}}, knownRaw);
  ASSERT_TRUE(dup.ok());
  auto report = service_->recoverAtStart();
  EXPECT_EQ(report.recovered, 1);
  EXPECT_EQ(report.duplicates, 1);
  store::MessageFilter f;
  f.query = "orphan";
  auto found = messages_->list(f).value();
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].status, "held");
  EXPECT_EQ(found[0].mailFrom, "x@example.org");
  EXPECT_EQ(found[0].rcptTo, std::vector<std::string>{"y@example.org"});
  // Running it again changes nothing.
  auto second = service_->recoverAtStart();
  EXPECT_EQ(second.recovered + second.duplicates, 0);
}

TEST_F(RecoveryTest, AFileThatWasBeingParsedIsHeldUnparsedAndNotParsedAgain) {
  auto orphan = spool_->write({"x@example.org", {"y@example.org"}}, "Subject: poison\r\n\r\nboom\r\n");
  ASSERT_TRUE(orphan.ok());
  spool_->markParsing(orphan->name);  // the process died inside the parser
  auto report = service_->recoverAtStart();
  EXPECT_EQ(report.recovered, 1);
  EXPECT_EQ(report.unparsed, 1);
  auto held = messages_->withStatus("held", 10).value();
  ASSERT_EQ(held.size(), 1u);
  auto m = messages_->get(held[0]).value();
  EXPECT_FALSE(m->parsed);
  EXPECT_EQ(m->subject, "poison");  // read without the parser, undecoded
  EXPECT_TRUE(m->hasAttachments);
  EXPECT_NE(m->contentNote.find("not parsed"), std::string::npos);
  EXPECT_FALSE(spool_->wasBeingParsed(orphan->name));
}

TEST_F(RecoveryTest, AcceptLeavesNoParseMarkerBehind) {
  const int64_t id = acceptSample("marker");
  auto m = messages_->get(id).value();
  EXPECT_TRUE(m->parsed);
  EXPECT_FALSE(spool_->wasBeingParsed(m->spoolName));
}

TEST_F(RecoveryTest, ARecoveredImapSpoolFileStaysImapMailOfItsAccount) {
  // The watcher spooled an INBOX message and the process died before the row: the spool file
  // says where it came from, so it is never relayed to whatever its To: says.
  spool::SpoolEnvelope envelope{"sender@example.org", {"me@example.org"}};
  envelope.source = "imap";
  envelope.accountId = 3;
  envelope.imapUidValidity = 99;
  envelope.imapUid = 12;
  ASSERT_TRUE(spool_->write(envelope, "From: sender@example.org\r\nTo: boss@example.com\r\nSubject: in\r\n\r\nx\r\n").ok());
  ASSERT_EQ(service_->recoverAtStart().recovered, 1);
  auto rows = messages_->list({}).value();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].source, "imap");
  EXPECT_EQ(rows[0].accountId, 3);
  EXPECT_EQ(rows[0].imapUidValidity, 99);
  EXPECT_EQ(rows[0].imapUid, 12);
  // Found again by its origin, as the watcher looks for it.
  auto origin = messages_->findImapOrigin(3, 99, 12).value();
  ASSERT_TRUE(origin.has_value());
  EXPECT_EQ(origin->id, rows[0].id);
  // No SMTP path: releasing it never hands it to the relay.
  const auto r = service_->release(rows[0].id, quarantine::Actor::system());
  EXPECT_EQ(r.outcome, quarantine::Outcome::Failed);
  EXPECT_NE(r.detail.find("no delivery path for imap mail"), std::string::npos) << r.detail;
  EXPECT_TRUE(port_.delivered.empty());
}
