#include "smtp/LineReader.h"

#include <gtest/gtest.h>

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

TEST(LineReaderTest, TellsACrlfEndFromABareLf) {
  LineReader r;
  feed(r, "a\r\nb\n\n.\n");
  EXPECT_TRUE(r.next(512)->crlf);
  EXPECT_FALSE(r.next(512)->crlf);
  auto empty = r.next(512);
  EXPECT_EQ(empty->text, "");
  EXPECT_FALSE(empty->crlf);
  auto dot = r.next(512);
  EXPECT_EQ(dot->text, ".");
  EXPECT_FALSE(dot->crlf);
}

TEST(LineReaderTest, CutLineStillTellsItsEnding) {
  LineReader r;
  feed(r, std::string(600, 'x'));
  EXPECT_FALSE(r.next(512));
  feed(r, "\r");
  EXPECT_FALSE(r.next(512));
  feed(r, "\n" + std::string(600, 'y') + "\n");
  auto first = r.next(512);
  EXPECT_TRUE(first->tooLong);
  EXPECT_TRUE(first->crlf);  // the CR was dropped with the line's tail, its LF came later
  auto second = r.next(512);
  EXPECT_TRUE(second->tooLong);
  EXPECT_FALSE(second->crlf);
}

}  // namespace
}  // namespace mg::smtp
