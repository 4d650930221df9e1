// The DATA phase as bytes on the wire (LineReader + SmtpSession, exactly as the connection
// drives them): where a message ends, and what a bare CR or LF does (SMTP smuggling).
#include <gtest/gtest.h>

#include "SessionTestSupport.h"
#include "smtp/LineReader.h"
#include "smtp/SmtpSession.h"

namespace mg::smtp {
namespace {

using test::FakeDelegate;
using test::RecordingOutput;

class SmtpDataPhaseTest : public ::testing::Test {
 protected:
  void start(BareNewline policy = BareNewline::Reject, unsigned maxReceived = 50) {
    SessionOptions o = test::testOptions();
    o.maxMessageBytes = 100000;
    o.bareNewline = policy;
    o.maxReceived = maxReceived;
    session_ = std::make_unique<SmtpSession>(o, delegate_, out_);
    session_->start();
  }
  // Feeds raw client bytes the way SmtpConnection does; returns every reply line sent.
  std::vector<std::string> wire(const std::string& bytes) {
    reader_.feed(bytes.data(), bytes.size());
    while (!session_->closed()) {
      auto line = reader_.next(session_->lineLimit());
      if (!line) break;
      session_->onLine(line->text, line->tooLong, line->crlf);
    }
    return out_.takeReplies();
  }

  FakeDelegate delegate_;
  RecordingOutput out_;
  LineReader reader_;
  std::unique_ptr<SmtpSession> session_;
};

const std::string kPrologue = "EHLO c.test\r\nMAIL FROM:<a@x.test>\r\nRCPT TO:<b@y.test>\r\nDATA\r\n";
// The classic smuggling transcript: a second transaction hidden behind "\n.\n" (or "\r.\r"),
// which a lenient server takes as the end of the first message.
std::string smuggle(const std::string& fakeEnd) {
  return kPrologue + "Subject: one\r\n\r\nfirst message" + fakeEnd +
         "MAIL FROM:<forged@bank.test>\r\nRCPT TO:<victim@y.test>\r\nDATA\r\nSubject: forged\r\n\r\nsecond\r\n.\r\nQUIT\r\n";
}

TEST_F(SmtpDataPhaseTest, SmugglingWithBareLfDotIsRefusedAndTheSessionClosed) {
  start();
  const auto replies = wire(smuggle("\n.\n"));
  EXPECT_TRUE(delegate_.accepted.empty());
  ASSERT_FALSE(replies.empty());
  EXPECT_EQ(replies.back().substr(0, 9), "521 5.5.2");
  EXPECT_NE(replies.back().find("bare <LF>"), std::string::npos);
  EXPECT_TRUE(session_->closed());
}

TEST_F(SmtpDataPhaseTest, SmugglingWithBareCrDotIsRefusedAndTheSessionClosed) {
  start();
  const auto replies = wire(smuggle("\r.\r"));
  EXPECT_TRUE(delegate_.accepted.empty());
  EXPECT_EQ(replies.back().substr(0, 9), "521 5.5.2");
  EXPECT_NE(replies.back().find("bare <CR>"), std::string::npos);
}

TEST_F(SmtpDataPhaseTest, SmugglingUnderNormalizeMakesOneMessageWithTheForgeryAsText) {
  start(BareNewline::Normalize);
  const auto replies = wire(smuggle("\n.\n"));
  ASSERT_EQ(delegate_.accepted.size(), 1u);
  const auto& [env, raw] = delegate_.accepted[0];
  EXPECT_EQ(env.mailFrom, "a@x.test");
  EXPECT_EQ(raw,
            "Subject: one\r\n\r\nfirst message\r\n.\r\nMAIL FROM:<forged@bank.test>\r\nRCPT TO:<victim@y.test>\r\n"
            "DATA\r\nSubject: forged\r\n\r\nsecond\r\n");
  EXPECT_EQ(replies.back(), "221 2.0.0 Bye");
}

TEST_F(SmtpDataPhaseTest, NormalizeTurnsEveryBareLineEndIntoCrlf) {
  start(BareNewline::Normalize);
  wire(kPrologue + "a\nb\rc\r\n.\r\n");
  ASSERT_EQ(delegate_.accepted.size(), 1u);
  EXPECT_EQ(delegate_.accepted[0].second, "a\r\nb\r\nc\r\n");
}

TEST_F(SmtpDataPhaseTest, OnlyCrlfDotCrlfEndsData) {
  start(BareNewline::Normalize);
  // "\n.\r\n" and "\r\n.\n" are not the end; the data goes on to the real one.
  const auto replies = wire(kPrologue + "x\n.\r\ny\r\n.\nz\r\n.\r\n");
  ASSERT_EQ(delegate_.accepted.size(), 1u);
  EXPECT_EQ(delegate_.accepted[0].second, "x\r\n.\r\ny\r\n.\r\nz\r\n");
  EXPECT_EQ(replies.back(), "250 2.0.0 Ok: held as 42");
}

TEST_F(SmtpDataPhaseTest, CommandsMayEndInABareLf) {
  start();
  const auto replies = wire("EHLO c.test\nMAIL FROM:<a@x.test>\nRCPT TO:<b@y.test>\nDATA\nhi\r\n.\r\n");
  ASSERT_EQ(delegate_.accepted.size(), 1u);
  EXPECT_EQ(replies.back(), "250 2.0.0 Ok: held as 42");
}

TEST_F(SmtpDataPhaseTest, TooManyReceivedHeadersIsALoop) {
  start(BareNewline::Reject, 2);
  const auto replies = wire(kPrologue + "Received: a\r\nReceived: b\r\nReceived: c\r\n\r\nbody\r\n.\r\n");
  EXPECT_TRUE(delegate_.accepted.empty());
  EXPECT_EQ(replies.back().substr(0, 9), "554 5.4.6");
  EXPECT_FALSE(session_->closed());  // a refused message, not a refused client
}

TEST_F(SmtpDataPhaseTest, ReceivedHeadersAtTheLimitPass) {
  start(BareNewline::Reject, 2);
  wire(kPrologue + "Received: a\r\nReceived: b\r\n\r\nbody\r\n.\r\n");
  EXPECT_EQ(delegate_.accepted.size(), 1u);
}

}  // namespace
}  // namespace mg::smtp
