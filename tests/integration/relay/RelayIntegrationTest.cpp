// The relay against a real Postfix smtp-sink on 127.0.0.1: what arrives is what was stored.
#include <gtest/gtest.h>

#include "SmtpSink.h"
#include "common/Clock.h"
#include "relay/RelayPool.h"
#include "relay/SmtpClient.h"

using mg::common::RelaySettings;
using mg::common::SystemClock;
using mg::common::UpstreamSettings;
using mg::quarantine::DeliveryRequest;
using mg::relay::RelayPool;
using mg::relay::SmtpClient;
using mg::relay::TransactionResult;
using mg::relay::test::SmtpSink;

namespace {

UpstreamSettings upstream(const std::string& name, uint16_t port) {
  UpstreamSettings u;
  u.name = name;
  u.host = "127.0.0.1";
  u.port = port;
  u.tls = "none";
  u.timeoutSeconds = 5;
  return u;
}

DeliveryRequest request(const std::string& raw, std::vector<std::string> rcpt = {"b@example.org"}) {
  DeliveryRequest r;
  r.emailId = 7;
  r.mailFrom = "a@example.org";
  r.rcptTo = std::move(rcpt);
  r.raw = raw;
  return r;
}

class RelayIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!SmtpSink::available()) GTEST_SKIP() << SmtpSink::kBinary << " missing (apt install postfix)";
  }
};

}  // namespace

TEST_F(RelayIntegrationTest, DotLinesArriveByteIdentical) {
  SmtpSink sink;
  const std::string raw =
      "From: a@example.org\r\nTo: b@example.org\r\nSubject: dots\r\n\r\n"
      ".hidden line\r\n..two dots\r\n.\r\n\r\nmiddle . dot\r\n. \r\nend.\r\n";
  RelayPool pool({upstream("primary", sink.port())}, RelaySettings{}, "gate.test", SystemClock::instance());
  const auto out = pool.deliver(request(raw, {"b@example.org", "c@example.org"}));
  ASSERT_TRUE(out.delivered) << out.reason;
  EXPECT_EQ(out.upstream, "primary");
  EXPECT_EQ(out.reason.rfind("upstream primary: 250", 0), 0u) << out.reason;
  const auto dumps = sink.dumps(1);
  ASSERT_EQ(dumps.size(), 1u);
  EXPECT_EQ(SmtpSink::messageOf(dumps[0]), SmtpSink::asStored(raw));
  EXPECT_EQ(SmtpSink::field(dumps[0], "X-Mail-Args"), "<a@example.org>");
  EXPECT_NE(dumps[0].find("X-Rcpt-Args: <b@example.org>\nX-Rcpt-Args: <c@example.org>\n"), std::string::npos);
  EXPECT_EQ(SmtpSink::field(dumps[0], "X-Helo-Args"), "gate.test");
}

TEST_F(RelayIntegrationTest, MessageWithoutFinalLineEndArrivesWithOne) {
  SmtpSink sink;
  const std::string raw = "Subject: x\r\n\r\n.last line without CRLF";
  const auto r = SmtpClient(upstream("primary", sink.port()), "gate.test").send(request(raw));
  ASSERT_TRUE(r.delivered()) << r.reason;
  const auto dumps = sink.dumps(1);
  ASSERT_EQ(dumps.size(), 1u);
  EXPECT_EQ(SmtpSink::messageOf(dumps[0]), SmtpSink::asStored(raw) + "\n");
}

TEST_F(RelayIntegrationTest, EightBitBodyArrivesIntactAndIsDeclared) {
  SmtpSink sink;
  std::string raw = "Subject: =?utf-8?q?caf=C3=A9?=\r\nContent-Transfer-Encoding: 8bit\r\n\r\ncaf\xc3\xa9 \xe2\x82\xac\r\n";
  for (int b = 0x80; b <= 0xff; ++b) raw += static_cast<char>(b);
  raw += "\r\n";
  const auto r = SmtpClient(upstream("primary", sink.port()), "gate.test").send(request(raw));
  ASSERT_TRUE(r.delivered()) << r.reason;
  const auto dumps = sink.dumps(1);
  ASSERT_EQ(dumps.size(), 1u);
  EXPECT_EQ(SmtpSink::messageOf(dumps[0]), SmtpSink::asStored(raw));
  EXPECT_EQ(SmtpSink::field(dumps[0], "X-Mail-Args"), "<a@example.org> BODY=8BITMIME");
}

TEST_F(RelayIntegrationTest, NoBodyParameterWhenServerLacks8BitMime) {
  SmtpSink sink({"-8"});
  const std::string raw = "Subject: x\r\n\r\ncaf\xc3\xa9\r\n";
  const auto r = SmtpClient(upstream("primary", sink.port()), "gate.test").send(request(raw));
  ASSERT_TRUE(r.delivered()) << r.reason;
  const auto dumps = sink.dumps(1);
  ASSERT_EQ(dumps.size(), 1u);
  EXPECT_EQ(SmtpSink::field(dumps[0], "X-Mail-Args"), "<a@example.org>");
  EXPECT_EQ(SmtpSink::messageOf(dumps[0]), SmtpSink::asStored(raw));
}

TEST_F(RelayIntegrationTest, FailsOverWhenFirstRelayIsDown) {
  SmtpSink sink;
  const uint16_t dead = SmtpSink::freePort();
  RelayPool pool({upstream("first", dead), upstream("second", sink.port())}, RelaySettings{}, "gate.test",
                 SystemClock::instance());
  const auto out = pool.deliver(request("Subject: x\r\n\r\nbody\r\n"));
  ASSERT_TRUE(out.delivered) << out.reason;
  EXPECT_EQ(out.upstream, "second");
  EXPECT_EQ(sink.dumps(1).size(), 1u);
  const auto st = pool.status();
  EXPECT_FALSE(st[0].up);
  EXPECT_EQ(st[0].lastError, "upstream first: connect 127.0.0.1:" + std::to_string(dead) + ": Connection refused");
  EXPECT_TRUE(st[1].up);
}

TEST_F(RelayIntegrationTest, BothRelaysDownIsTemporaryWithBothReasons) {
  const uint16_t p1 = SmtpSink::freePort();
  const uint16_t p2 = SmtpSink::freePort();
  RelayPool pool({upstream("first", p1), upstream("second", p2)}, RelaySettings{}, "gate.test",
                 SystemClock::instance());
  const auto out = pool.deliver(request("Subject: x\r\n\r\nbody\r\n"));
  EXPECT_FALSE(out.delivered);
  EXPECT_FALSE(out.permanent);
  EXPECT_EQ(out.reason, "upstream first: connect 127.0.0.1:" + std::to_string(p1) +
                            ": Connection refused; upstream second: connect 127.0.0.1:" + std::to_string(p2) +
                            ": Connection refused");
}

TEST_F(RelayIntegrationTest, RejectedRecipientIsPermanentAndNothingIsDelivered) {
  SmtpSink sink({"-f", "RCPT"});
  RelayPool pool({upstream("primary", sink.port())}, RelaySettings{}, "gate.test", SystemClock::instance());
  const auto out = pool.deliver(request("Subject: x\r\n\r\nbody\r\n"));
  EXPECT_FALSE(out.delivered);
  EXPECT_TRUE(out.permanent);
  EXPECT_EQ(out.reason, "upstream primary: RCPT TO:<b@example.org>: 500 5.3.0 Error: command failed");
  EXPECT_TRUE(sink.dumps(0, 200).empty());
  EXPECT_TRUE(pool.status()[0].up);  // the relay answered; it is the message it refused
}

TEST_F(RelayIntegrationTest, SoftRejectedSenderIsTemporary) {
  SmtpSink sink({"-r", "MAIL"});
  const auto r = SmtpClient(upstream("primary", sink.port()), "gate.test").send(request("Subject: x\r\n\r\nb\r\n"));
  EXPECT_EQ(r.kind, TransactionResult::Kind::Temporary);
  EXPECT_FALSE(r.relayFault);
  EXPECT_EQ(r.reason, "upstream primary: MAIL FROM:<a@example.org>: 450 4.3.0 Error: command failed");
}

TEST_F(RelayIntegrationTest, RateBucketOfOnePerMinuteSkipsToNextRelay) {
  SmtpSink first;
  SmtpSink second;
  auto limited = upstream("first", first.port());
  limited.maxPerMinute = 1;
  RelayPool pool({limited, upstream("second", second.port())}, RelaySettings{}, "gate.test",
                 SystemClock::instance());
  const auto a = pool.deliver(request("Subject: one\r\n\r\n1\r\n"));
  const auto b = pool.deliver(request("Subject: two\r\n\r\n2\r\n"));
  ASSERT_TRUE(a.delivered) << a.reason;
  ASSERT_TRUE(b.delivered) << b.reason;
  EXPECT_EQ(a.upstream, "first");
  EXPECT_EQ(b.upstream, "second");
  const auto d1 = first.dumps(1);
  const auto d2 = second.dumps(1);
  ASSERT_EQ(d1.size(), 1u);
  ASSERT_EQ(d2.size(), 1u);
  EXPECT_EQ(SmtpSink::messageOf(d1[0]), "Subject: one\n\n1\n");
  EXPECT_EQ(SmtpSink::messageOf(d2[0]), "Subject: two\n\n2\n");
}

TEST_F(RelayIntegrationTest, AuthenticatesWhenUsernameIsSet) {
  SmtpSink sink;  // advertises AUTH PLAIN LOGIN and accepts anything
  auto u = upstream("primary", sink.port());
  u.username = "gate";
  u.password = "s3cret-password";
  const auto r = SmtpClient(u, "gate.test").send(request("Subject: x\r\n\r\nb\r\n"));
  ASSERT_TRUE(r.delivered()) << r.reason;
  EXPECT_EQ(sink.dumps(1).size(), 1u);
}

TEST_F(RelayIntegrationTest, MissingAuthFailsClearly) {
  SmtpSink sink({"-a"});
  auto u = upstream("primary", sink.port());
  u.username = "gate";
  u.password = "s3cret-password";
  const auto r = SmtpClient(u, "gate.test").send(request("Subject: x\r\n\r\nb\r\n"));
  EXPECT_EQ(r.kind, TransactionResult::Kind::Temporary);
  EXPECT_TRUE(r.relayFault);
  EXPECT_NE(r.reason.find("AUTH not offered"), std::string::npos) << r.reason;
  EXPECT_EQ(r.reason.find("s3cret"), std::string::npos);
  EXPECT_TRUE(sink.dumps(0, 200).empty());
}

TEST_F(RelayIntegrationTest, StartTlsNotOfferedNeverFallsBackToPlaintext) {
  SmtpSink sink;  // smtp-sink has no TLS
  auto u = upstream("primary", sink.port());
  u.tls = "starttls";
  const auto r = SmtpClient(u, "gate.test").send(request("Subject: x\r\n\r\nsecret body\r\n"));
  EXPECT_EQ(r.kind, TransactionResult::Kind::Temporary);
  EXPECT_TRUE(r.relayFault);
  EXPECT_EQ(r.reason, "upstream primary: STARTTLS not offered by 127.0.0.1:" + std::to_string(sink.port()) +
                          " (tls = starttls; not sending in plaintext)");
  EXPECT_TRUE(sink.dumps(0, 200).empty());
}

TEST_F(RelayIntegrationTest, ImplicitTlsAgainstPlainServerFails) {
  SmtpSink sink;
  auto u = upstream("primary", sink.port());
  u.tls = "implicit";
  u.timeoutSeconds = 3;
  const auto r = SmtpClient(u, "gate.test").send(request("Subject: x\r\n\r\nb\r\n"));
  EXPECT_EQ(r.kind, TransactionResult::Kind::Temporary);
  EXPECT_TRUE(r.relayFault);
  EXPECT_EQ(r.reason.rfind("upstream primary: connect (TLS) 127.0.0.1:", 0), 0u) << r.reason;
  EXPECT_TRUE(sink.dumps(0, 200).empty());
}

TEST_F(RelayIntegrationTest, SlowServerTimesOut) {
  SmtpSink sink({"-W", "MAIL:4"});
  auto u = upstream("primary", sink.port());
  u.timeoutSeconds = 1;
  const auto r = SmtpClient(u, "gate.test").send(request("Subject: x\r\n\r\nb\r\n"));
  EXPECT_EQ(r.kind, TransactionResult::Kind::Temporary);
  EXPECT_TRUE(r.relayFault);
  EXPECT_EQ(r.reason, "upstream primary: MAIL FROM:<a@example.org>: timed out after 1 s");
}
