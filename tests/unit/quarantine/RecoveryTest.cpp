#include "quarantine/QuarantineFixture.h"

using namespace mg;

class RecoveryTest : public test::QuarantineFixture {};

TEST_F(RecoveryTest, InterruptedReleaseBecomesReleaseFailedWithReason) {
  const int64_t id = acceptSample();
  ASSERT_TRUE(messages_->transition(id, {"held"}, "releasing"));
  auto report = service_->recoverAtStart();
  EXPECT_EQ(report.interruptedReleases, 1);
  auto m = messages_->get(id);
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
  auto found = messages_->list(f);
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
  auto held = messages_->withStatus("held", 10);
  ASSERT_EQ(held.size(), 1u);
  auto m = messages_->get(held[0]);
  EXPECT_FALSE(m->parsed);
  EXPECT_EQ(m->subject, "poison");  // read without the parser, undecoded
  EXPECT_TRUE(m->hasAttachments);
  EXPECT_NE(m->contentNote.find("not parsed"), std::string::npos);
  EXPECT_FALSE(spool_->wasBeingParsed(orphan->name));
}

TEST_F(RecoveryTest, AcceptLeavesNoParseMarkerBehind) {
  const int64_t id = acceptSample("marker");
  auto m = messages_->get(id);
  EXPECT_TRUE(m->parsed);
  EXPECT_FALSE(spool_->wasBeingParsed(m->spoolName));
}
