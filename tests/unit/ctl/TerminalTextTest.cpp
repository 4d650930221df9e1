#include "ctl/TerminalText.h"

#include <gtest/gtest.h>

namespace mg::ctl {
namespace {

TEST(TerminalTextTest, BlockKeepsLinesAndTabsButNotControls) {
  EXPECT_EQ(TerminalText::block("a\r\n\tb\x1b[2Jc\x7f"), "a\n\tb?[2Jc?");
}

TEST(TerminalTextTest, C1ControlsAndBidiOverridesAreReplaced) {
  EXPECT_EQ(TerminalText::block("x\xc2\x9b" "31my"), "x?31my");           // U+009B, the 8-bit CSI
  EXPECT_EQ(TerminalText::block("gpj.\xe2\x80\xae" "exe"), "gpj.?exe");  // U+202E RIGHT-TO-LEFT OVERRIDE
}

TEST(TerminalTextTest, InvalidUtf8BecomesQuestionMarks) {
  EXPECT_EQ(TerminalText::block("a\xff" "b\xc3"), "a?b?");
  EXPECT_EQ(TerminalText::block("\xc0\xaf"), "??");  // overlong '/'
  EXPECT_EQ(TerminalText::block("caf\xc3\xa9"), "caf\xc3\xa9");
}

TEST(TerminalTextTest, WidthCountsColumnsNotBytes) {
  EXPECT_EQ(TerminalText::width("abc"), 3u);
  EXPECT_EQ(TerminalText::width("caf\xc3\xa9"), 4u);
  EXPECT_EQ(TerminalText::width("日本"), 4u);
  EXPECT_EQ(TerminalText::width("e\xcc\x81"), 1u);  // e + combining acute
}

TEST(TerminalTextTest, CutAndFit) {
  EXPECT_EQ(TerminalText::cut("hello", 5), "hello");
  EXPECT_EQ(TerminalText::cut("hello!", 5), "hell\u2026");
  EXPECT_EQ(TerminalText::cut("日本語", 4), "日\u2026");
  EXPECT_EQ(TerminalText::fit("ab", 4), "ab  ");
  EXPECT_EQ(TerminalText::fit("abcdef", 4), "abc\u2026");
  EXPECT_EQ(TerminalText::oneLine("a\nb\tc", 10), "a b c");
}

}  // namespace
}  // namespace mg::ctl
