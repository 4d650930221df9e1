#include "ctl/HeldTable.h"

#include <gtest/gtest.h>

#include <sstream>

#include "ctl/HumanUnits.h"
#include "ctl/TerminalText.h"

namespace mg::ctl {
namespace {

constexpr int64_t kNow = 1714564800000;  // 2024-05-01T12:00:00Z

MessageSummary message(int64_t id, const std::string& from, const std::string& subject, int64_t ageSeconds) {
  MessageSummary m;
  m.id = id;
  m.status = "held";
  m.from = from;
  m.subject = subject;
  m.receivedAtMillis = kNow - ageSeconds * 1000;
  m.json = "{\"id\":" + std::to_string(id) + "}";
  return m;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

TEST(HeldTableTest, EmptyListSaysSo) { EXPECT_EQ(HeldTable::format({}, kNow, 80), "no held messages\n"); }

TEST(HeldTableTest, ColumnsLineUpAndIdsAreRightAligned) {
  const auto text = HeldTable::format(
      {message(7, "alice@example.org", "Hello", 30), message(1234, "bob@example.net", "Invoice", 7200)}, kNow, 80);
  const auto l = lines(text);
  ASSERT_EQ(l.size(), 3u);
  EXPECT_EQ(l[0], "  ID  STATUS  AGE  FROM                     SUBJECT");
  EXPECT_EQ(l[1], "   7  held    30s  alice@example.org        Hello");
  EXPECT_EQ(l[2], "1234  held    2h   bob@example.net          Invoice");
}

TEST(HeldTableTest, LongSubjectIsCutToTheWidth) {
  const std::string subject(300, 'x');
  for (size_t width : {60u, 80u, 132u}) {
    const auto l = lines(HeldTable::format({message(1, "a@b", subject, 5)}, kNow, width));
    ASSERT_EQ(l.size(), 2u);
    EXPECT_EQ(TerminalText::width(l[1]), width) << l[1];
    EXPECT_EQ(l[1].substr(l[1].size() - 3), "\u2026");
  }
}

TEST(HeldTableTest, LongSenderIsCutAndWideCharactersCountTwice) {
  const auto l = lines(HeldTable::format({message(1, std::string(80, 'f') + "@example.org", "日本語の件名", 5)}, kNow, 80));
  ASSERT_EQ(l.size(), 2u);
  EXPECT_NE(l[1].find("\u2026"), std::string::npos);
  EXPECT_LE(TerminalText::width(l[1]), 80u);
  EXPECT_NE(l[1].find("日本語の件名"), std::string::npos);
}

TEST(HeldTableTest, EscapeSequencesInASubjectAreDefused) {
  const auto text = HeldTable::format({message(1, "a@b", "\x1b]0;pwned\x07 hi\nthere", 5)}, kNow, 100);
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
  EXPECT_EQ(lines(text).size(), 2u);
  EXPECT_NE(text.find("?]0;pwned? hi there"), std::string::npos);
}

TEST(HeldTableTest, MissingSubjectAndUnknownAge) {
  auto m = message(3, "a@b", "", 0);
  m.receivedAtMillis.reset();
  const auto l = lines(HeldTable::format({m}, kNow, 80));
  EXPECT_NE(l[1].find("(no subject)"), std::string::npos);
  EXPECT_NE(l[1].find("  ?  "), std::string::npos);
}

TEST(HeldTableTest, JsonLinesAreTheRawItems) {
  EXPECT_EQ(HeldTable::formatJsonLines({message(1, "a", "s", 0), message(2, "b", "t", 0)}), "{\"id\":1}\n{\"id\":2}\n");
  EXPECT_EQ(HeldTable::formatJsonLines({}), "");
}

TEST(HumanUnitsTest, Ages) {
  EXPECT_EQ(HumanUnits::age(-5), "0s");
  EXPECT_EQ(HumanUnits::age(59), "59s");
  EXPECT_EQ(HumanUnits::age(60), "1m");
  EXPECT_EQ(HumanUnits::age(3599), "59m");
  EXPECT_EQ(HumanUnits::age(47 * 3600), "47h");
  EXPECT_EQ(HumanUnits::age(3 * 86400 + 5), "3d");
}

TEST(HumanUnitsTest, SizesAndDurations) {
  EXPECT_EQ(HumanUnits::size(812), "812 B");
  EXPECT_EQ(HumanUnits::size(12595), "12.3 KiB");
  EXPECT_EQ(HumanUnits::size(4 * 1024 * 1024), "4.0 MiB");
  EXPECT_EQ(HumanUnits::duration(45), "45s");
  EXPECT_EQ(HumanUnits::duration(3 * 3600 + 12 * 60 + 5), "3h 12m");
  EXPECT_EQ(HumanUnits::duration(2 * 86400 + 4 * 3600), "2d 4h");
}

}  // namespace
}  // namespace mg::ctl
