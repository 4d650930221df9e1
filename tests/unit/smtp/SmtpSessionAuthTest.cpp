#include <Poco/AutoPtr.h>
#include <Poco/Channel.h>
#include <Poco/Logger.h>
#include <gtest/gtest.h>

#include "SessionTestSupport.h"
#include "smtp/Sasl.h"
#include "smtp/SmtpSession.h"

namespace mg::smtp {
namespace {

using test::FakeDelegate;
using test::RecordingOutput;
using Replies = std::vector<std::string>;

std::string b64(const std::string& s) { return detail::encodeBase64(s); }
std::string plain(const std::string& user, const std::string& pass) {
  return b64(std::string("\0", 1) + user + std::string("\0", 1) + pass);
}

class CapturingChannel : public Poco::Channel {
 public:
  void log(const Poco::Message& msg) override { text += msg.getText() + "\n"; }
  std::string text;
};

class SmtpSessionAuthTest : public ::testing::Test {
 protected:
  void SetUp() override { restart(false); }

  void restart(bool requireAuth) {
    auto o = test::testOptions();
    o.tlsAvailable = true;
    o.requireAuth = requireAuth;
    session_ = std::make_unique<SmtpSession>(o, delegate_, out_);
    session_->start();
    out_.take();
  }
  Replies feed(std::initializer_list<std::string> lines) {
    for (const auto& l : lines) session_->onLine(l);
    return out_.takeReplies();
  }
  std::string code(const std::string& line) {
    auto r = feed({line});
    return r.empty() ? std::string() : r.back().substr(0, 9);
  }
  void startTls() {
    ASSERT_EQ(feed({"EHLO c", "STARTTLS"}).back(), "220 2.0.0 Ready to start TLS");
    ASSERT_EQ(out_.tlsRequests, 1);
    session_->onTlsStarted();
  }

  FakeDelegate delegate_;
  RecordingOutput out_;
  std::unique_ptr<SmtpSession> session_;
};

TEST_F(SmtpSessionAuthTest, StartTlsOfferedOnlyBeforeTlsAndAuthOnlyAfter) {
  session_->onLine("EHLO c");
  const std::string before = out_.take();
  EXPECT_NE(before.find("250 STARTTLS\r\n"), std::string::npos);
  EXPECT_EQ(before.find("AUTH"), std::string::npos);
  startTls();
  EXPECT_TRUE(session_->tlsActive());
  session_->onLine("EHLO c");
  const std::string after = out_.take();
  EXPECT_EQ(after.find("STARTTLS"), std::string::npos);
  EXPECT_NE(after.find("250 AUTH PLAIN LOGIN\r\n"), std::string::npos);
}

TEST_F(SmtpSessionAuthTest, StartTlsResetsTheSession) {
  feed({"EHLO before"});
  startTls();
  EXPECT_EQ(session_->state(), SmtpState::Connected);
  EXPECT_TRUE(session_->envelope().heloName.empty());
  EXPECT_EQ(code("MAIL FROM:<a@x.test>"), "503 5.5.1");  // EHLO again first (RFC 3207 §4.2)
  feed({"EHLO after", "MAIL FROM:<a@x.test>", "RCPT TO:<b@y.test>", "DATA", "x", "."});
  ASSERT_EQ(delegate_.accepted.size(), 1u);
  EXPECT_TRUE(delegate_.accepted[0].first.tls);
  EXPECT_EQ(delegate_.accepted[0].first.heloName, "after");
}

TEST_F(SmtpSessionAuthTest, PlaintextPipelinedAfterStartTlsIsDropped) {
  feed({"EHLO c", "STARTTLS", "MAIL FROM:<injected@x.test>"});
  EXPECT_EQ(session_->state(), SmtpState::StartTls);
  session_->onTlsStarted();
  EXPECT_TRUE(session_->envelope().mailFrom.empty());
  EXPECT_EQ(session_->state(), SmtpState::Connected);
}

TEST_F(SmtpSessionAuthTest, StartTlsRefusals) {
  EXPECT_EQ(code("STARTTLS"), "503 5.5.1");  // before EHLO
  feed({"EHLO c"});
  EXPECT_EQ(code("STARTTLS now"), "501 5.5.4");
  feed({"MAIL FROM:<a@x.test>"});
  EXPECT_EQ(code("STARTTLS"), "503 5.5.1");  // inside a transaction
  feed({"RSET", "STARTTLS"});
  session_->onTlsStarted();
  feed({"EHLO c"});
  EXPECT_EQ(code("STARTTLS"), "503 5.5.1");  // already active

  RecordingOutput out;
  SmtpSession noTls(test::testOptions(), delegate_, out);
  noTls.onLine("EHLO c");
  out.take();
  noTls.onLine("STARTTLS");
  EXPECT_EQ(out.takeReplies().back().substr(0, 9), "502 5.5.1");
  EXPECT_EQ(out.tlsRequests, 0);
}

TEST_F(SmtpSessionAuthTest, AuthRefusedBeforeTls) {
  feed({"EHLO c"});
  EXPECT_EQ(feed({"AUTH PLAIN " + plain("alice", "correct horse")}).back().substr(0, 10), "538 5.7.11");
  EXPECT_TRUE(session_->envelope().authUser.empty());
}

TEST_F(SmtpSessionAuthTest, AuthPlainWithInitialResponse) {
  startTls();
  feed({"EHLO c"});
  EXPECT_EQ(feed({"AUTH PLAIN " + plain("alice", "correct horse")}).back(), "235 2.7.0 Authentication successful");
  EXPECT_EQ(session_->envelope().authUser, "alice");
  EXPECT_EQ(code("AUTH PLAIN " + plain("alice", "correct horse")), "503 5.5.1");  // once per session
  feed({"MAIL FROM:<a@x.test>", "RCPT TO:<b@y.test>", "DATA", "x", "."});
  ASSERT_EQ(delegate_.accepted.size(), 1u);
  EXPECT_EQ(delegate_.accepted[0].first.authUser, "alice");
}

TEST_F(SmtpSessionAuthTest, AuthPlainInTwoStepsAndWrongPassword) {
  startTls();
  feed({"EHLO c"});
  session_->onLine("AUTH PLAIN");
  EXPECT_EQ(out_.take(), "334 \r\n");
  EXPECT_EQ(session_->state(), SmtpState::AuthPlain);
  EXPECT_EQ(code(plain("alice", "wrong")), "535 5.7.8");
  EXPECT_EQ(session_->state(), SmtpState::Greeted);
  EXPECT_EQ(code("AUTH plain " + plain("mallory", "correct horse")), "535 5.7.8");
  EXPECT_TRUE(session_->envelope().authUser.empty());
}

TEST_F(SmtpSessionAuthTest, ThrottledAuthSays454AndCloses) {
  startTls();
  feed({"EHLO c"});
  delegate_.authVerdict = AuthVerdict::Throttled;
  const Replies r = feed({"AUTH PLAIN " + plain("alice", "guess"), "NOOP"});
  ASSERT_EQ(r.size(), 1u);  // the NOOP after it is never read
  EXPECT_EQ(r[0], "454 4.7.0 Too many failed authentication attempts; try again later");
  EXPECT_TRUE(session_->closed());
  EXPECT_EQ(out_.closes, 1);
}

TEST_F(SmtpSessionAuthTest, BusyPasswordCheckSays454AndTheSessionGoesOn) {
  startTls();
  feed({"EHLO c"});
  delegate_.authVerdict = AuthVerdict::Busy;
  EXPECT_EQ(code("AUTH PLAIN " + plain("alice", "correct horse")), "454 4.7.0");
  EXPECT_FALSE(session_->closed());
  delegate_.authVerdict.reset();
  EXPECT_EQ(code("AUTH PLAIN " + plain("alice", "correct horse")), "235 2.7.0");
}

TEST_F(SmtpSessionAuthTest, AuthLogin) {
  startTls();
  feed({"EHLO c"});
  session_->onLine("AUTH LOGIN");
  EXPECT_EQ(out_.take(), "334 VXNlcm5hbWU6\r\n");
  session_->onLine(b64("alice"));
  EXPECT_EQ(out_.take(), "334 UGFzc3dvcmQ6\r\n");
  EXPECT_EQ(code(b64("correct horse")), "235 2.7.0");
  EXPECT_EQ(session_->envelope().authUser, "alice");
}

TEST_F(SmtpSessionAuthTest, AuthLoginWithInitialUser) {
  startTls();
  feed({"EHLO c"});
  session_->onLine("AUTH LOGIN " + b64("alice"));
  EXPECT_EQ(out_.take(), "334 UGFzc3dvcmQ6\r\n");
  EXPECT_EQ(code(b64("correct horse")), "235 2.7.0");
}

TEST_F(SmtpSessionAuthTest, AuthCancelBadBase64AndUnknownMechanism) {
  startTls();
  EXPECT_EQ(code("AUTH PLAIN"), "503 5.5.1");  // EHLO first
  feed({"EHLO c", "AUTH LOGIN"});
  EXPECT_EQ(code("*"), "501 5.0.0");
  EXPECT_EQ(session_->state(), SmtpState::Greeted);
  feed({"AUTH PLAIN"});
  EXPECT_EQ(code("not base64!"), "501 5.5.2");
  EXPECT_EQ(code("AUTH CRAM-MD5"), "504 5.5.4");
  EXPECT_EQ(code("AUTH"), "501 5.5.4");
  feed({"MAIL FROM:<a@x.test>"});
  EXPECT_EQ(code("AUTH PLAIN " + plain("alice", "correct horse")), "503 5.5.1");  // not mid-transaction
}

TEST_F(SmtpSessionAuthTest, RequireAuthRefusesMailUntilAuthenticated) {
  restart(true);
  feed({"EHLO c"});
  EXPECT_EQ(feed({"MAIL FROM:<a@x.test>"}).back(), "530 5.7.0 Authentication required");
  feed({"STARTTLS"});
  session_->onTlsStarted();
  feed({"EHLO c"});
  EXPECT_EQ(code("MAIL FROM:<a@x.test>"), "530 5.7.0");
  feed({"AUTH PLAIN " + plain("alice", "correct horse")});
  EXPECT_EQ(code("MAIL FROM:<a@x.test>"), "250 2.1.0");
}

TEST_F(SmtpSessionAuthTest, AuthPayloadsAreNeverLogged) {
  Poco::AutoPtr<CapturingChannel> channel(new CapturingChannel);
  auto& log = Poco::Logger::get("mg.smtp");
  Poco::AutoPtr<Poco::Channel> oldChannel(log.getChannel(), true);
  const int oldLevel = log.getLevel();
  log.setChannel(channel);
  log.setLevel(Poco::Message::PRIO_TRACE);
  startTls();
  const std::string p1 = plain("alice", "correct horse");
  const std::string p2 = plain("alice", "wrong horse");
  feed({"EHLO c", "AUTH PLAIN " + p2, "AUTH LOGIN", b64("alice"), b64("wrong horse"), "AUTH PLAIN", p1});
  log.setChannel(oldChannel);
  log.setLevel(oldLevel);
  EXPECT_EQ(session_->envelope().authUser, "alice");
  EXPECT_NE(channel->text.find("********"), std::string::npos) << channel->text;
  for (const std::string& secret : {p1, p2, b64("wrong horse"), std::string("horse")}) {
    EXPECT_EQ(channel->text.find(secret), std::string::npos) << secret << " in\n" << channel->text;
  }
}

}  // namespace
}  // namespace mg::smtp
