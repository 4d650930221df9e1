// The session writes DATA into the delegate's sink as it arrives, hands the sink over only at
// the end dot, and drops it (the gate's temp file goes with it) for a refused message.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "SessionTestSupport.h"
#include "smtp/SmtpSession.h"

namespace mg::smtp {
namespace {

struct SinkLog {
  std::string data;
  int opened = 0;
  int dropped = 0;
  int handedOver = 0;
};

class LoggedSink final : public MessageSink {
 public:
  explicit LoggedSink(SinkLog& log) : log_(log) {}
  ~LoggedSink() override { ++log_.dropped; }
  void write(std::string_view bytes) override { log_.data.append(bytes); }

 private:
  SinkLog& log_;
};

class StreamingDelegate final : public SmtpSessionDelegate {
 public:
  bool diskHasRoom() override { return true; }
  AuthVerdict authenticate(const std::string&, const std::string&, const std::string&) override {
    return AuthVerdict::Rejected;
  }
  std::unique_ptr<MessageSink> openMessage(const Envelope&) override {
    if (refuseOpen) return nullptr;
    ++log.opened;
    return std::make_unique<LoggedSink>(log);
  }
  AcceptResult acceptMessage(const Envelope&, MessageSink&) override {
    ++log.handedOver;
    return {AcceptResult::Kind::Accepted, "250 2.0.0 Ok: held as 7", "held"};
  }
  bool refuseOpen = false;
  SinkLog log;
};

class SmtpStreamingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SessionOptions o = test::testOptions();
    o.maxMessageBytes = 400'000;
    o.maxLineBytes = 1000;
    session_ = std::make_unique<SmtpSession>(o, delegate_, out_);
    session_->start();
    for (const char* l : {"EHLO client.test", "MAIL FROM:<a@x.test>", "RCPT TO:<b@y.test>"}) session_->onLine(l);
    out_.take();
  }
  std::string lastReply() {
    auto r = out_.takeReplies();
    return r.empty() ? std::string() : r.back();
  }

  StreamingDelegate delegate_;
  test::RecordingOutput out_;
  std::unique_ptr<SmtpSession> session_;
};

TEST_F(SmtpStreamingTest, TheMessageReachesTheSinkBeforeTheEndDot) {
  session_->onLine("DATA");
  EXPECT_EQ(lastReply().substr(0, 3), "354");
  const std::string line(900, 'z');
  for (int i = 0; i < 300; ++i) session_->onLine(line);  // ~270 KB: several chunks
  EXPECT_GE(delegate_.log.data.size(), 270'000u - MessageReceiver::kChunkBytes - 1000);
  EXPECT_EQ(delegate_.log.handedOver, 0);
  session_->onLine(".");
  EXPECT_EQ(lastReply(), "250 2.0.0 Ok: held as 7");
  EXPECT_EQ(delegate_.log.handedOver, 1);
  EXPECT_EQ(delegate_.log.data.size(), 300u * 902u);
  EXPECT_EQ(delegate_.log.dropped, 1);  // the session lets go of it once answered
}

TEST_F(SmtpStreamingTest, AnOversizedMessageIsNeverHandedOverAndItsSinkIsDropped) {
  session_->onLine("DATA");
  const std::string line(900, 'o');
  for (int i = 0; i < 600; ++i) session_->onLine(line);  // ~540 KB, over the 400 KB limit
  session_->onLine(".");
  EXPECT_EQ(lastReply().substr(0, 9), "552 5.3.4");
  EXPECT_EQ(delegate_.log.opened, 1);
  EXPECT_EQ(delegate_.log.handedOver, 0);
  EXPECT_EQ(delegate_.log.dropped, 1);
  // The session is in step: a new transaction works.
  for (const char* l : {"MAIL FROM:<a@x.test>", "RCPT TO:<b@y.test>", "DATA", "small", "."}) session_->onLine(l);
  EXPECT_EQ(lastReply(), "250 2.0.0 Ok: held as 7");
}

TEST_F(SmtpStreamingTest, NoSinkMeansDataIsAnswered451AndNothingIsRead) {
  delegate_.refuseOpen = true;
  session_->onLine("DATA");
  EXPECT_EQ(lastReply().substr(0, 9), "451 4.3.0");
  EXPECT_FALSE(session_->inData());
  // What the client sends next is a command again; the transaction is still open.
  delegate_.refuseOpen = false;
  session_->onLine("DATA");
  EXPECT_EQ(lastReply().substr(0, 3), "354");
}

TEST_F(SmtpStreamingTest, ASessionEndingInsideDataDropsItsSink) {
  session_->onLine("DATA");
  session_->onLine("Subject: never finished");
  session_.reset();
  EXPECT_EQ(delegate_.log.dropped, 1);
  EXPECT_EQ(delegate_.log.handedOver, 0);
}

}  // namespace
}  // namespace mg::smtp
