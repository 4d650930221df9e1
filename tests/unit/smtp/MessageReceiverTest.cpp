#include "smtp/MessageReceiver.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace mg::smtp {
namespace {

using Verdict = MessageReceiver::Verdict;

MessageReceiver::Limits limits(uint64_t maxBytes, size_t maxLine, BareNewline policy = BareNewline::Reject) {
  MessageReceiver::Limits l;
  l.maxBytes = maxBytes;
  l.maxLineBytes = maxLine;
  l.bareNewline = policy;
  return l;
}

std::string finished(MessageReceiver& m, MemorySink& sink) {
  m.finish();
  return sink.data;
}

// Counts what reached it while DATA was still being read.
class ChunkCounter final : public MessageSink {
 public:
  void write(std::string_view bytes) override {
    ++writes;
    largest = std::max(largest, bytes.size());
    data.append(bytes);
  }
  size_t writes = 0;
  size_t largest = 0;
  std::string data;
};

TEST(MessageReceiverTest, ABigMessageReachesTheSinkInChunksWhileItArrives) {
  MessageReceiver m(limits(10'000'000, 1000));
  ChunkCounter sink;
  m.start(&sink);
  const std::string line(998, 'x');
  std::string expected;
  for (int i = 0; i < 1000; ++i) {  // ~1 MB
    ASSERT_EQ(m.addLine(line, false), Verdict::More);
    expected += line + "\r\n";
  }
  // Before the end dot, all but the last chunk is already out of the receiver's memory.
  EXPECT_GE(sink.data.size(), expected.size() - MessageReceiver::kChunkBytes - 1000);
  EXPECT_GT(sink.writes, 10u);
  EXPECT_LE(sink.largest, MessageReceiver::kChunkBytes + 1000);
  ASSERT_EQ(m.addLine(".", false), Verdict::End);
  m.finish();
  EXPECT_EQ(sink.data, expected);
}

TEST(MessageReceiverTest, NothingMoreReachesTheSinkOnceTheMessageIsOverItsLimit) {
  MessageReceiver m(limits(200'000, 1000));
  ChunkCounter sink;
  m.start(&sink);
  const std::string line(998, 'y');
  for (int i = 0; i < 400; ++i) ASSERT_EQ(m.addLine(line, false), Verdict::More);
  EXPECT_TRUE(m.sizeExceeded());
  const size_t before = sink.data.size();
  EXPECT_LE(before, 200'000u);
  for (int i = 0; i < 400; ++i) ASSERT_EQ(m.addLine(line, false), Verdict::More);
  ASSERT_EQ(m.addLine(".", false), Verdict::End);
  m.finish();
  EXPECT_EQ(sink.data.size(), before);
}

TEST(MessageReceiverTest, UnstuffsCountsAndStopsAtDot) {
  MessageReceiver m(limits(100, 1000));
  MemorySink sink;
  m.start(&sink);
  EXPECT_EQ(m.addLine("..a", false), Verdict::More);
  EXPECT_EQ(m.addLine("b", false), Verdict::More);
  EXPECT_EQ(m.addLine(".", false), Verdict::End);
  EXPECT_EQ(m.size(), 7u);
  EXPECT_EQ(finished(m, sink), ".a\r\nb\r\n");
  m.reset();
  EXPECT_EQ(m.size(), 0u);
}

TEST(MessageReceiverTest, OverSizeKeepsCountingButNotStoring) {
  MessageReceiver m(limits(10, 1000));
  MemorySink sink;
  m.start(&sink);
  EXPECT_EQ(m.addLine("12345678", false), Verdict::More);  // 10 bytes: at the limit
  EXPECT_FALSE(m.sizeExceeded());
  EXPECT_EQ(m.addLine("x", false), Verdict::More);
  EXPECT_TRUE(m.sizeExceeded());
  EXPECT_EQ(m.size(), 13u);
  EXPECT_TRUE(finished(m, sink).empty());
}

TEST(MessageReceiverTest, CutDotIsNotTheEnd) {
  MessageReceiver m(limits(100, 10));
  MemorySink sink;
  m.start(&sink);
  EXPECT_EQ(m.addLine(".", true), Verdict::More);  // a cut line that happens to start with a dot
  EXPECT_TRUE(m.lineTooLong());
}

TEST(MessageReceiverTest, DotEndedByABareLfIsRefusedNotTheEnd) {
  MessageReceiver m(limits(100, 1000));
  MemorySink sink;
  m.start(&sink);
  EXPECT_EQ(m.addLine("body", false, true), Verdict::More);
  EXPECT_EQ(m.addLine(".", false, false), Verdict::BareNewline);
}

TEST(MessageReceiverTest, BareLfLineIsRefusedByDefault) {
  MessageReceiver m(limits(100, 1000));
  MemorySink sink;
  m.start(&sink);
  EXPECT_EQ(m.addLine("Subject: x", false, false), Verdict::BareNewline);
}

TEST(MessageReceiverTest, BareCrIsRefusedByDefault) {
  MessageReceiver m(limits(100, 1000));
  MemorySink sink;
  m.start(&sink);
  EXPECT_EQ(m.addLine("a\rb", false, true), Verdict::BareNewline);
}

TEST(MessageReceiverTest, NormalizeStoresBareLfAndBareCrAsCrlf) {
  MessageReceiver m(limits(100, 1000, BareNewline::Normalize));
  MemorySink sink;
  m.start(&sink);
  EXPECT_EQ(m.addLine("a", false, false), Verdict::More);
  EXPECT_EQ(m.addLine("b\rc", false, true), Verdict::More);
  EXPECT_EQ(m.addLine(".", false, true), Verdict::End);
  EXPECT_EQ(finished(m, sink), "a\r\nb\r\nc\r\n");
}

TEST(MessageReceiverTest, NormalizeNeverEndsDataWithoutCrlfDotCrlf) {
  MessageReceiver m(limits(1000, 1000, BareNewline::Normalize));
  MemorySink sink;
  m.start(&sink);
  EXPECT_EQ(m.addLine("x", false, false), Verdict::More);
  EXPECT_EQ(m.addLine(".", false, true), Verdict::More);   // "\n.\r\n": not preceded by CRLF
  EXPECT_EQ(m.addLine(".", false, false), Verdict::More);  // "\r\n.\n": not followed by CRLF
  EXPECT_EQ(m.addLine("MAIL FROM:<forged@x>", false, true), Verdict::More);
  EXPECT_EQ(m.addLine(".", false, true), Verdict::End);
  EXPECT_EQ(finished(m, sink), "x\r\n.\r\n.\r\nMAIL FROM:<forged@x>\r\n");
}

TEST(MessageReceiverTest, CountsReceivedHeadersOfTheHeaderBlockOnly) {
  MessageReceiver::Limits l = limits(100000, 1000);
  l.maxReceived = 3;
  MessageReceiver m(l);
  MemorySink sink;
  m.start(&sink);
  for (int i = 0; i < 3; ++i) m.addLine("Received: from hop" + std::to_string(i), false);
  m.addLine("rEcEiVeD: folded", false);
  m.addLine("  continuation", false);
  EXPECT_EQ(m.receivedHeaders(), 4u);
  EXPECT_TRUE(m.tooManyHops());
  m.reset();
  for (int i = 0; i < 3; ++i) m.addLine("Received: from hop" + std::to_string(i), false);
  m.addLine("", false);
  m.addLine("Received: in the body is not a trace header", false);
  EXPECT_EQ(m.receivedHeaders(), 3u);
  EXPECT_FALSE(m.tooManyHops());
}

}  // namespace
}  // namespace mg::smtp
