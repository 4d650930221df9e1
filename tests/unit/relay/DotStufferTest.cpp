#include "relay/DotStuffer.h"

#include <gtest/gtest.h>

using mg::relay::DotStuffer;
using mg::relay::dotStuff;
using mg::relay::hasEightBit;

TEST(DotStufferTest, DoublesDotAtLineStartOnly) {
  EXPECT_EQ(dotStuff("a\r\n.b\r\nc.d\r\n..\r\n"), "a\r\n..b\r\nc.d\r\n...\r\n.\r\n");
}

TEST(DotStufferTest, FirstLineStartingWithDotIsStuffed) { EXPECT_EQ(dotStuff(".x\r\n"), "..x\r\n.\r\n"); }

TEST(DotStufferTest, LoneDotLineInBodyCannotEndTheData) {
  EXPECT_EQ(dotStuff("a\r\n.\r\nb\r\n"), "a\r\n..\r\nb\r\n.\r\n");
}

TEST(DotStufferTest, BareLfBecomesCrlf) { EXPECT_EQ(dotStuff("a\nb\n.c\n"), "a\r\nb\r\n..c\r\n.\r\n"); }

TEST(DotStufferTest, CrlfKeptAsIs) { EXPECT_EQ(dotStuff("a\r\nb\r\n"), "a\r\nb\r\n.\r\n"); }

TEST(DotStufferTest, MissingFinalLineEndIsAdded) { EXPECT_EQ(dotStuff("a\r\nlast"), "a\r\nlast\r\n.\r\n"); }

TEST(DotStufferTest, EmptyMessageIsJustTheTerminator) { EXPECT_EQ(dotStuff(""), ".\r\n"); }

TEST(DotStufferTest, LoneCrBecomesCrlfAndItsDotIsStuffed) {
  EXPECT_EQ(dotStuff("a\r.b\r\n"), "a\r\n..b\r\n.\r\n");
  EXPECT_EQ(dotStuff("a\r"), "a\r\n.\r\n");
  EXPECT_EQ(dotStuff("a\r\r\n"), "a\r\n\r\n.\r\n");
}

TEST(DotStufferTest, NoBareCrOrLfEverReachesTheWire) {
  const std::string raw = "x\ry\nz\r\r\n\n\r.\n.\r\n\r";
  const std::string out = dotStuff(raw);
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] == '\r') {
      ASSERT_TRUE(i + 1 < out.size() && out[i + 1] == '\n') << "bare CR at " << i;
    }
    if (out[i] == '\n') {
      ASSERT_TRUE(i > 0 && out[i - 1] == '\r') << "bare LF at " << i;
    }
  }
  EXPECT_EQ(out.find("\r\n.\r\n"), out.size() - 5);  // the only end of data is the last
}

TEST(DotStufferTest, EightBitBytesPassUntouched) {
  const std::string raw = "Subject: x\r\n\r\ncaf\xc3\xa9 \xff\x80\r\n";
  EXPECT_EQ(dotStuff(raw), raw + ".\r\n");
}

TEST(DotStufferTest, OutputDoesNotDependOnChunking) {
  const std::string raw = "H: v\r\n\r\n.one\r\n\r\n.\r\nx\ny\r.z\r\n..end";
  const std::string whole = dotStuff(raw);
  for (std::size_t cut = 1; cut < 5; ++cut) {
    DotStuffer s;
    std::string out;
    for (std::size_t i = 0; i < raw.size(); i += cut) s.feed(std::string_view(raw).substr(i, cut), out);
    s.finish(out);
    EXPECT_EQ(out, whole) << "chunk size " << cut;
  }
}

TEST(DotStufferTest, DetectsEightBit) {
  EXPECT_FALSE(hasEightBit("plain ascii\r\n"));
  EXPECT_TRUE(hasEightBit("caf\xc3\xa9"));
  EXPECT_TRUE(hasEightBit(std::string_view("\x80", 1)));
}
