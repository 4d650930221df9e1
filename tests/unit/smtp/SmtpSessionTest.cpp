#include "smtp/SmtpSession.h"

#include <gtest/gtest.h>

#include "SessionTestSupport.h"
#include "common/Metrics.h"

namespace mg::smtp {
namespace {

using test::FakeDelegate;
using test::RecordingOutput;
using Replies = std::vector<std::string>;

class SmtpSessionTest : public ::testing::Test {
 protected:
  void SetUp() override { restart(test::testOptions()); }

  void restart(SessionOptions o) {
    session_ = std::make_unique<SmtpSession>(std::move(o), delegate_, out_);
    session_->start();
    out_.take();
  }
  // Feeds lines; returns the final reply lines they produced.
  Replies feed(std::initializer_list<std::string> lines) {
    for (const auto& l : lines) session_->onLine(l);
    return out_.takeReplies();
  }
  std::string code(const std::string& line) { return feedOne(line).substr(0, 9); }
  std::string feedOne(const std::string& line) {
    auto r = feed({line});
    return r.empty() ? std::string() : r.back();
  }
  void greetAndMail() {
    ASSERT_EQ(feed({"EHLO client.test", "MAIL FROM:<a@x.test>", "RCPT TO:<b@y.test>"}).size(), 3u);
  }

  FakeDelegate delegate_;
  RecordingOutput out_;
  std::unique_ptr<SmtpSession> session_;
};

TEST_F(SmtpSessionTest, GreetingNamesTheHost) {
  RecordingOutput out;
  SmtpSession s(test::testOptions(), delegate_, out);
  s.start();
  EXPECT_EQ(out.take(), "220 gate.test ESMTP mailgate\r\n");
  EXPECT_EQ(s.state(), SmtpState::Connected);
}

TEST_F(SmtpSessionTest, EhloAdvertisesExtensionsWithoutTlsOrAuthWhenNoTls) {
  session_->onLine("EHLO client.test");
  EXPECT_EQ(out_.take(),
            "250-gate.test\r\n250-PIPELINING\r\n250-SIZE 1000\r\n250-8BITMIME\r\n250-ENHANCEDSTATUSCODES\r\n250 SMTPUTF8\r\n");
  EXPECT_EQ(session_->state(), SmtpState::Greeted);
  EXPECT_EQ(session_->envelope().heloName, "client.test");
}

TEST_F(SmtpSessionTest, HeloAndMissingDomain) {
  EXPECT_EQ(feedOne("HELO client.test"), "250 gate.test");
  EXPECT_EQ(code("EHLO"), "501 5.5.4");
  EXPECT_EQ(code("HELO"), "501 5.5.4");
}

TEST_F(SmtpSessionTest, FullTransactionHandsEnvelopeAndRawToDelegate) {
  const Replies r = feed({"EHLO client.test", "MAIL FROM:<a@x.test> BODY=8BITMIME", "RCPT TO:<b@y.test>",
                          "RCPT TO:<c@y.test>", "DATA", "Subject: hi", "", "body", "."});
  ASSERT_EQ(r.size(), 6u);
  EXPECT_EQ(r[1], "250 2.1.0 Ok");
  EXPECT_EQ(r[2], "250 2.1.5 Ok");
  EXPECT_EQ(r[4], "354 End data with <CR><LF>.<CR><LF>");
  EXPECT_EQ(r[5], "250 2.0.0 Ok: held as 42");
  ASSERT_EQ(delegate_.accepted.size(), 1u);
  const auto& [env, raw] = delegate_.accepted[0];
  EXPECT_EQ(env.heloName, "client.test");
  EXPECT_EQ(env.clientAddress, "192.0.2.7:40000");
  EXPECT_EQ(env.mailFrom, "a@x.test");
  EXPECT_EQ(env.rcptTo, (std::vector<std::string>{"b@y.test", "c@y.test"}));
  EXPECT_TRUE(env.eightBitMime);
  EXPECT_FALSE(env.tls);
  EXPECT_TRUE(env.authUser.empty());
  EXPECT_EQ(raw, "Subject: hi\r\n\r\nbody\r\n");
  EXPECT_EQ(session_->state(), SmtpState::Greeted);
  EXPECT_TRUE(session_->envelope().rcptTo.empty());
}

TEST_F(SmtpSessionTest, NullSenderIsAccepted) {
  feed({"EHLO c", "MAIL FROM:<>", "RCPT TO:<b@y.test>", "DATA", "x", "."});
  ASSERT_EQ(delegate_.accepted.size(), 1u);
  EXPECT_EQ(delegate_.accepted[0].first.mailFrom, "");
}

TEST_F(SmtpSessionTest, DotUnstuffing) {
  greetAndMail();
  feed({"DATA", "..leading dot", "..", "...", "middle . dot", "."});
  ASSERT_EQ(delegate_.accepted.size(), 1u);
  EXPECT_EQ(delegate_.accepted[0].second, ".leading dot\r\n.\r\n..\r\nmiddle . dot\r\n");
}

TEST_F(SmtpSessionTest, EightBitBodyIsKeptByteExact) {
  greetAndMail();
  const std::string latin1 = "caf\xe9 \xff\xfe";
  const std::string utf8 = "Gr\xc3\xbc\xc3\x9f" "e \xf0\x9f\x93\xa7";
  const std::string withNul = std::string("ab\0c\x7f", 5);  // a bare CR is refused: SmtpDataPhaseTest
  feed({"DATA", latin1, utf8, withNul, "."});
  ASSERT_EQ(delegate_.accepted.size(), 1u);
  EXPECT_EQ(delegate_.accepted[0].second, latin1 + "\r\n" + utf8 + "\r\n" + withNul + "\r\n");
}

TEST_F(SmtpSessionTest, EmptyMessageIsPassedOn) {
  greetAndMail();
  EXPECT_EQ(feed({"DATA", "."}).back(), "250 2.0.0 Ok: held as 42");
  ASSERT_EQ(delegate_.accepted.size(), 1u);
  EXPECT_EQ(delegate_.accepted[0].second, "");
}

TEST_F(SmtpSessionTest, PipelinedBatchIsAnsweredInOrder) {
  const Replies r = feed({"EHLO c", "MAIL FROM:<a@x.test>", "RCPT TO:<b@y.test>", "RCPT TO:<bad>",
                          "RCPT TO:<c@y.test>", "DATA", "hello", ".", "RSET", "NOOP", "QUIT"});
  const Replies want = {"250 SMTPUTF8", "250 2.1.0 Ok", "250 2.1.5 Ok",
                        "501 5.1.3 Bad recipient address syntax: missing '@domain'", "250 2.1.5 Ok",
                        "354 End data with <CR><LF>.<CR><LF>", "250 2.0.0 Ok: held as 42", "250 2.0.0 Ok",
                        "250 2.0.0 Ok", "221 2.0.0 Bye"};
  EXPECT_EQ(r, want);
  EXPECT_TRUE(session_->closed());
  EXPECT_EQ(out_.closes, 1);
  ASSERT_EQ(delegate_.accepted.size(), 1u);
  EXPECT_EQ(delegate_.accepted[0].first.rcptTo.size(), 2u);
}

TEST_F(SmtpSessionTest, BadSequenceGets503) {
  EXPECT_EQ(code("MAIL FROM:<a@x.test>"), "503 5.5.1");
  feed({"EHLO c"});
  EXPECT_EQ(code("RCPT TO:<b@y.test>"), "503 5.5.1");
  EXPECT_EQ(code("DATA"), "503 5.5.1");
  feed({"MAIL FROM:<a@x.test>"});
  EXPECT_EQ(code("MAIL FROM:<a@x.test>"), "503 5.5.1");
  EXPECT_EQ(code("DATA"), "554 5.5.1");  // MAIL but every RCPT refused (RFC 2920)
}

TEST_F(SmtpSessionTest, UnknownCommandAndEmptyLine) {
  EXPECT_EQ(code("BDAT 100 LAST"), "500 5.5.1");
  EXPECT_EQ(code("\x01\x02"), "500 5.5.1");
  EXPECT_EQ(code(""), "500 5.5.2");
}

TEST_F(SmtpSessionTest, CommandLineOverLimit) {
  EXPECT_EQ(code("NOOP " + std::string(600, 'x')), "500 5.5.2");
  session_->onLine("NOOP", true);  // the transport had to cut it
  EXPECT_EQ(out_.takeReplies().back().substr(0, 9), "500 5.5.2");
}

TEST_F(SmtpSessionTest, SyntaxErrorsCarryReasons) {
  feed({"EHLO c"});
  EXPECT_EQ(feedOne("MAIL FROM:a@x.test"), "501 5.1.7 Bad sender address syntax: missing '<'");
  EXPECT_EQ(code("MAIL FROM:<a@x.test> FOO=1"), "555 5.5.4");
  feed({"MAIL FROM:<a@x.test>"});
  EXPECT_EQ(code("RCPT TO:<b@y.test> NOTIFY=NEVER"), "555 5.5.4");
  EXPECT_EQ(code("RCPT TO:<b y@y.test>"), "501 5.1.3");
  feed({"RCPT TO:<b@y.test>"});
  EXPECT_EQ(code("DATA now"), "501 5.5.4");
}

TEST_F(SmtpSessionTest, RsetNoopVrfyExpnHelp) {
  feed({"EHLO c", "MAIL FROM:<a@x.test>", "RCPT TO:<b@y.test>"});
  EXPECT_EQ(code("RSET now"), "501 5.5.4");
  EXPECT_EQ(feedOne("RSET"), "250 2.0.0 Ok");
  EXPECT_EQ(session_->state(), SmtpState::Greeted);
  EXPECT_TRUE(session_->envelope().mailFrom.empty());
  EXPECT_TRUE(session_->envelope().rcptTo.empty());
  EXPECT_EQ(feedOne("NOOP whatever"), "250 2.0.0 Ok");
  EXPECT_EQ(code("VRFY alice"), "252 2.5.0");
  EXPECT_EQ(code("VRFY"), "501 5.5.4");
  EXPECT_EQ(code("EXPN staff"), "502 5.5.1");
  session_->onLine("HELP");
  EXPECT_EQ(out_.take(),
            "214-2.0.0 Commands supported:\r\n214 2.0.0 EHLO HELO MAIL RCPT DATA RSET NOOP QUIT VRFY HELP STARTTLS "
            "AUTH\r\n");
}

TEST_F(SmtpSessionTest, RsetBeforeEhloStaysConnected) {
  EXPECT_EQ(feedOne("RSET"), "250 2.0.0 Ok");
  EXPECT_EQ(session_->state(), SmtpState::Connected);
}

TEST_F(SmtpSessionTest, EhloInsideTransactionResetsIt) {
  greetAndMail();
  feed({"EHLO again"});
  EXPECT_EQ(session_->state(), SmtpState::Greeted);
  EXPECT_TRUE(session_->envelope().rcptTo.empty());
  EXPECT_EQ(code("DATA"), "503 5.5.1");
}

TEST_F(SmtpSessionTest, QuitClosesAndLaterLinesAreIgnored) {
  EXPECT_EQ(feedOne("QUIT"), "221 2.0.0 Bye");
  EXPECT_TRUE(session_->closed());
  EXPECT_EQ(out_.closes, 1);
  EXPECT_TRUE(feed({"NOOP", "EHLO x"}).empty());
}

TEST_F(SmtpSessionTest, DeclaredSizeOverLimit) {
  feed({"EHLO c"});
  EXPECT_EQ(code("MAIL FROM:<a@x.test> SIZE=1001"), "552 5.3.4");
  EXPECT_EQ(code("MAIL FROM:<a@x.test> SIZE=1000"), "250 2.1.0");
}

TEST_F(SmtpSessionTest, MessageOverLimitIsReadToTheEndThenRefused) {
  auto& metrics = common::Metrics::global();
  const double before = metrics.value("mailgate_smtp_messages_total", {{"result", "rejected"}});
  greetAndMail();
  feed({"DATA"});
  const std::string line(90, 'x');
  for (int i = 0; i < 20; ++i) session_->onLine(line);  // 1840 bytes > 1000
  EXPECT_TRUE(out_.take().empty());  // nothing said until the end dot
  EXPECT_EQ(session_->state(), SmtpState::Data);
  EXPECT_EQ(feedOne("."), "552 5.3.4 Message size exceeds fixed maximum message size");
  EXPECT_TRUE(delegate_.accepted.empty());
  EXPECT_EQ(session_->state(), SmtpState::Greeted);
  EXPECT_EQ(metrics.value("mailgate_smtp_messages_total", {{"result", "rejected"}}), before + 1);
  // The session goes on: the next transaction works.
  feed({"MAIL FROM:<a@x.test>", "RCPT TO:<b@y.test>", "DATA", "small"});
  EXPECT_EQ(feedOne("."), "250 2.0.0 Ok: held as 42");
}

TEST_F(SmtpSessionTest, DataLineOverLimitRejectsTheMessageAfterItsEnd) {
  greetAndMail();
  feed({"DATA", std::string(99, 'y')});  // 99 + CRLF > 100
  EXPECT_EQ(session_->state(), SmtpState::Data);
  EXPECT_EQ(code("."), "552 5.5.2");
  EXPECT_TRUE(delegate_.accepted.empty());
  feed({"MAIL FROM:<a@x.test>", "RCPT TO:<b@y.test>", "DATA"});
  session_->onLine("cut by the transport", true);
  EXPECT_EQ(code("."), "552 5.5.2");
  feed({"MAIL FROM:<a@x.test>", "RCPT TO:<b@y.test>", "DATA", std::string(98, 'y')});  // exactly 100
  EXPECT_EQ(code("."), "250 2.0.0");
}

TEST_F(SmtpSessionTest, TooManyRecipients) {
  feed({"EHLO c", "MAIL FROM:<a@x.test>", "RCPT TO:<1@y.test>", "RCPT TO:<2@y.test>", "RCPT TO:<3@y.test>"});
  EXPECT_EQ(code("RCPT TO:<4@y.test>"), "452 4.5.3");
  feed({"DATA", "x", "."});
  ASSERT_EQ(delegate_.accepted.size(), 1u);
  EXPECT_EQ(delegate_.accepted[0].first.rcptTo.size(), 3u);
}

TEST_F(SmtpSessionTest, DiskFullRefusesMail) {
  delegate_.room = false;
  feed({"EHLO c"});
  EXPECT_EQ(code("MAIL FROM:<a@x.test>"), "452 4.3.1");
}

TEST_F(SmtpSessionTest, TooManyErrorsCloses) {
  for (int i = 0; i < 9; ++i) EXPECT_EQ(code("BOGUS"), "500 5.5.1");
  const Replies r = feed({"BOGUS"});
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].substr(0, 9), "500 5.5.1");
  EXPECT_EQ(r[1], "421 4.7.0 gate.test Error: too many errors");
  EXPECT_TRUE(session_->closed());
  EXPECT_EQ(out_.closes, 1);
}

TEST_F(SmtpSessionTest, RecipientLimitRepliesDoNotCountAsErrors) {
  feed({"EHLO c", "MAIL FROM:<a@x.test>"});
  for (int i = 0; i < 20; ++i) session_->onLine("RCPT TO:<r" + std::to_string(i) + "@y.test>");
  EXPECT_FALSE(session_->closed());
}

TEST_F(SmtpSessionTest, DelegateRepliesArePassedOnVerbatim) {
  delegate_.result = {AcceptResult::Kind::TempFail, "451 4.3.0 spool busy", "tempfail"};
  greetAndMail();
  EXPECT_EQ(feed({"DATA", "x", "."}).back(), "451 4.3.0 spool busy");
  delegate_.result = {AcceptResult::Kind::Reject, "554 5.7.1 rejected by rule 3", "rejected"};
  feed({"MAIL FROM:<a@x.test>", "RCPT TO:<b@y.test>"});
  EXPECT_EQ(feed({"DATA", "x", "."}).back(), "554 5.7.1 rejected by rule 3");
}

TEST_F(SmtpSessionTest, DelegateFailureBecomesTempFail) {
  delegate_.throwOnAccept = true;
  greetAndMail();
  EXPECT_EQ(code("DATA"), "354 End d");
  EXPECT_EQ(code("x"), "");
  EXPECT_EQ(code("."), "451 4.3.0");
  EXPECT_FALSE(session_->closed());
  delegate_.throwOnAccept = false;
  delegate_.result = {AcceptResult::Kind::Accepted, "250 ok\r\n250 forged", "held"};
  feed({"MAIL FROM:<a@x.test>", "RCPT TO:<b@y.test>", "DATA", "x"});
  EXPECT_EQ(feedOne("."), "250 ok  250 forged");  // CR/LF blanked: no second reply
  delegate_.result = {AcceptResult::Kind::Accepted, "", "held"};
  feed({"MAIL FROM:<a@x.test>", "RCPT TO:<b@y.test>", "DATA", "x"});
  EXPECT_EQ(code("."), "451 4.3.0");
}

TEST_F(SmtpSessionTest, TimeoutAndShutdownSay421) {
  session_->onTimeout();
  EXPECT_EQ(out_.takeReplies().back(), "421 4.4.2 gate.test Error: timeout exceeded");
  EXPECT_TRUE(session_->closed());
  restart(test::testOptions());
  session_->onShutdown();
  EXPECT_EQ(out_.takeReplies().back().substr(0, 9), "421 4.3.2");
}

TEST_F(SmtpSessionTest, LineLimitFollowsTheState) {
  EXPECT_EQ(session_->lineLimit(), kMaxCommandLine);
  greetAndMail();
  feed({"DATA"});
  EXPECT_EQ(session_->lineLimit(), 100u);
  EXPECT_TRUE(session_->inTransaction());
}

TEST_F(SmtpSessionTest, Utf8AddressesNeedSmtpUtf8) {
  feed({"EHLO c"});
  EXPECT_EQ(code("MAIL FROM:<j\xc3\xb6rg@x.test>"), "553 5.6.7");
  EXPECT_EQ(code("MAIL FROM:<a@x.test>"), "250 2.1.0");
  EXPECT_EQ(code("RCPT TO:<b\xc3\xbc@y.test>"), "553 5.6.7");
  feed({"RSET"});
  const Replies r = feed({"MAIL FROM:<j\xc3\xb6rg@x.test> SMTPUTF8", "RCPT TO:<b\xc3\xbc@y.test>", "DATA",
                          "Subject: Gr\xc3\xbc\xc3\x9f""e", "", "x", "."});
  EXPECT_EQ(r.back(), "250 2.0.0 Ok: held as 42");
  ASSERT_EQ(delegate_.accepted.size(), 1u);
  const Envelope& env = delegate_.accepted[0].first;
  EXPECT_TRUE(env.smtpUtf8);
  EXPECT_EQ(env.mailFrom, "j\xc3\xb6rg@x.test");
  EXPECT_EQ(env.protocol(), "UTF8SMTP");
}

TEST_F(SmtpSessionTest, ProtocolNamesHeloEhloTlsAndAuth) {
  Envelope e;
  EXPECT_EQ(e.protocol(), "SMTP");
  e.extended = true;
  EXPECT_EQ(e.protocol(), "ESMTP");
  e.tls = true;
  EXPECT_EQ(e.protocol(), "ESMTPS");
  e.authUser = "alice";
  EXPECT_EQ(e.protocol(), "ESMTPSA");
  e.smtpUtf8 = true;
  EXPECT_EQ(e.protocol(), "UTF8SMTPSA");
}

TEST(SmtpStateTest, EveryStateHasAName) {
  for (auto s : {SmtpState::Connected, SmtpState::Greeted, SmtpState::Mail, SmtpState::Rcpt, SmtpState::Data,
                 SmtpState::AuthPlain, SmtpState::AuthLoginUser, SmtpState::AuthLoginPass, SmtpState::StartTls,
                 SmtpState::Closed}) {
    EXPECT_NE(toString(s), "unknown");
  }
}

}  // namespace
}  // namespace mg::smtp
