#include "smtp/MessageReceiver.h"

#include <gtest/gtest.h>

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

TEST(MessageReceiverTest, UnstuffsCountsAndStopsAtDot) {
  MessageReceiver m(limits(100, 1000));
  EXPECT_EQ(m.addLine("..a", false), Verdict::More);
  EXPECT_EQ(m.addLine("b", false), Verdict::More);
  EXPECT_EQ(m.addLine(".", false), Verdict::End);
  EXPECT_EQ(m.size(), 7u);
  EXPECT_EQ(m.take(), ".a\r\nb\r\n");
  EXPECT_EQ(m.size(), 0u);
}

TEST(MessageReceiverTest, OverSizeKeepsCountingButNotStoring) {
  MessageReceiver m(limits(10, 1000));
  EXPECT_EQ(m.addLine("12345678", false), Verdict::More);  // 10 bytes: at the limit
  EXPECT_FALSE(m.sizeExceeded());
  EXPECT_EQ(m.addLine("x", false), Verdict::More);
  EXPECT_TRUE(m.sizeExceeded());
  EXPECT_EQ(m.size(), 13u);
  EXPECT_TRUE(m.take().empty());
}

TEST(MessageReceiverTest, CutDotIsNotTheEnd) {
  MessageReceiver m(limits(100, 10));
  EXPECT_EQ(m.addLine(".", true), Verdict::More);  // a cut line that happens to start with a dot
  EXPECT_TRUE(m.lineTooLong());
}

TEST(MessageReceiverTest, DotEndedByABareLfIsRefusedNotTheEnd) {
  MessageReceiver m(limits(100, 1000));
  EXPECT_EQ(m.addLine("body", false, true), Verdict::More);
  EXPECT_EQ(m.addLine(".", false, false), Verdict::BareNewline);
}

TEST(MessageReceiverTest, BareLfLineIsRefusedByDefault) {
  MessageReceiver m(limits(100, 1000));
  EXPECT_EQ(m.addLine("Subject: x", false, false), Verdict::BareNewline);
}

TEST(MessageReceiverTest, BareCrIsRefusedByDefault) {
  MessageReceiver m(limits(100, 1000));
  EXPECT_EQ(m.addLine("a\rb", false, true), Verdict::BareNewline);
}

TEST(MessageReceiverTest, NormalizeStoresBareLfAndBareCrAsCrlf) {
  MessageReceiver m(limits(100, 1000, BareNewline::Normalize));
  EXPECT_EQ(m.addLine("a", false, false), Verdict::More);
  EXPECT_EQ(m.addLine("b\rc", false, true), Verdict::More);
  EXPECT_EQ(m.addLine(".", false, true), Verdict::End);
  EXPECT_EQ(m.take(), "a\r\nb\r\nc\r\n");
}

TEST(MessageReceiverTest, NormalizeNeverEndsDataWithoutCrlfDotCrlf) {
  MessageReceiver m(limits(1000, 1000, BareNewline::Normalize));
  EXPECT_EQ(m.addLine("x", false, false), Verdict::More);
  EXPECT_EQ(m.addLine(".", false, true), Verdict::More);   // "\n.\r\n": not preceded by CRLF
  EXPECT_EQ(m.addLine(".", false, false), Verdict::More);  // "\r\n.\n": not followed by CRLF
  EXPECT_EQ(m.addLine("MAIL FROM:<forged@x>", false, true), Verdict::More);
  EXPECT_EQ(m.addLine(".", false, true), Verdict::End);
  EXPECT_EQ(m.take(), "x\r\n.\r\n.\r\nMAIL FROM:<forged@x>\r\n");
}

TEST(MessageReceiverTest, CountsReceivedHeadersOfTheHeaderBlockOnly) {
  MessageReceiver::Limits l = limits(100000, 1000);
  l.maxReceived = 3;
  MessageReceiver m(l);
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
