#include "smtp/LineReader.h"

#include <gtest/gtest.h>

#include "smtp/MessageReceiver.h"

namespace mg::smtp {
namespace {

void feed(LineReader& r, const std::string& s) { r.feed(s.data(), s.size()); }

TEST(LineReaderTest, SplitsCrlfAndBareLfAlike) {
  LineReader r;
  feed(r, "EHLO a\r\nNOOP\nQUIT\r");
  auto a = r.next(512);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->text, "EHLO a");
  EXPECT_FALSE(a->tooLong);
  EXPECT_EQ(r.next(512)->text, "NOOP");
  EXPECT_FALSE(r.next(512));  // "QUIT\r" waits for its LF
  feed(r, "\n");
  EXPECT_EQ(r.next(512)->text, "QUIT");
  EXPECT_FALSE(r.hasBufferedInput());
}

TEST(LineReaderTest, CrInsideALineIsKept) {
  LineReader r;
  feed(r, "a\rb\r\n");
  EXPECT_EQ(r.next(512)->text, "a\rb");
}

TEST(LineReaderTest, LimitCountsTheLineEnd) {
  LineReader r;
  feed(r, std::string(8, 'x') + "\r\n" + std::string(9, 'y') + "\r\n");
  auto ok = r.next(10);
  EXPECT_FALSE(ok->tooLong);
  EXPECT_EQ(ok->text.size(), 8u);
  auto cut = r.next(10);
  EXPECT_TRUE(cut->tooLong);
  EXPECT_EQ(cut->text, std::string(8, 'y'));
}

TEST(LineReaderTest, HugeLineIsDroppedInPiecesWithBoundedMemory) {
  LineReader r;
  const std::string chunk(4096, 'z');
  feed(r, "head");
  for (int i = 0; i < 1000; ++i) {  // 4 MB without a newline
    feed(r, chunk);
    ASSERT_FALSE(r.next(512));
    ASSERT_FALSE(r.hasBufferedInput());  // nothing is kept but the cut head
  }
  feed(r, "tail\r\nNOOP\r\n");
  auto cut = r.next(512);
  ASSERT_TRUE(cut);
  EXPECT_TRUE(cut->tooLong);
  EXPECT_EQ(cut->text.size(), 510u);
  EXPECT_EQ(cut->text.substr(0, 4), "head");
  EXPECT_EQ(r.next(512)->text, "NOOP");
}

TEST(LineReaderTest, ClearDropsPendingInput) {
  LineReader r;
  feed(r, "STARTTLS\r\nMAIL FROM:<evil@x>\r\n");
  EXPECT_EQ(r.next(512)->text, "STARTTLS");
  r.clear();
  EXPECT_FALSE(r.next(512));
}

TEST(MessageReceiverTest, UnstuffsCountsAndStopsAtDot) {
  MessageReceiver m(100, 1000);
  EXPECT_FALSE(m.addLine("..a", false));
  EXPECT_FALSE(m.addLine("b", false));
  EXPECT_TRUE(m.addLine(".", false));
  EXPECT_EQ(m.size(), 7u);
  EXPECT_EQ(m.take(), ".a\r\nb\r\n");
  EXPECT_EQ(m.size(), 0u);
}

TEST(MessageReceiverTest, OverSizeKeepsCountingButNotStoring) {
  MessageReceiver m(10, 1000);
  EXPECT_FALSE(m.addLine("12345678", false));  // 10 bytes: at the limit
  EXPECT_FALSE(m.sizeExceeded());
  EXPECT_FALSE(m.addLine("x", false));
  EXPECT_TRUE(m.sizeExceeded());
  EXPECT_EQ(m.size(), 13u);
  EXPECT_TRUE(m.take().empty());
}

TEST(MessageReceiverTest, CutDotIsNotTheEnd) {
  MessageReceiver m(100, 10);
  EXPECT_FALSE(m.addLine(".", true));  // a cut line that happens to start with a dot
  EXPECT_TRUE(m.lineTooLong());
}

}  // namespace
}  // namespace mg::smtp
