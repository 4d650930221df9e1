#include "imap/InternalDate.h"

#include <gtest/gtest.h>

namespace mg::imap {
namespace {

TEST(InternalDateTest, ParsesWithZones) {
  EXPECT_EQ(parseInternalDate("01-Jan-2024 10:00:00 +0000").value_or(0), 1704103200);
  EXPECT_EQ(parseInternalDate("17-Jul-1996 02:44:25 -0700").value_or(0), 837596665);
  EXPECT_EQ(parseInternalDate(" 7-Feb-2000 00:00:00 +0100").value_or(0), 949878000);
}

TEST(InternalDateTest, RejectsGarbage) {
  EXPECT_FALSE(parseInternalDate(""));
  EXPECT_FALSE(parseInternalDate("01-Foo-2024 10:00:00 +0000"));
  EXPECT_FALSE(parseInternalDate("01-Jan-2024 25:00:00 +0000"));
  EXPECT_FALSE(parseInternalDate("01-Jan-2024 10:00:00 0000x"));
}

TEST(InternalDateTest, FormatsUtcAndRoundTrips) {
  EXPECT_EQ(formatInternalDate(1704103200), "01-Jan-2024 10:00:00 +0000");
  for (int64_t t : {0LL, 951782400LL, 1709164800LL, 4102444799LL}) {
    EXPECT_EQ(parseInternalDate(formatInternalDate(t)).value_or(-1), t) << formatInternalDate(t);
  }
}

}  // namespace
}  // namespace mg::imap
