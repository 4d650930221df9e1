#include "imap/UidSet.h"

#include <gtest/gtest.h>

namespace mg::imap {
namespace {

TEST(UidSetTest, CompressesIntoRanges) {
  EXPECT_EQ(UidSet::of({5, 1, 2, 3, 9, 10, 3, 0}).toString(), "1:3,5,9:10");
  EXPECT_TRUE(UidSet::of({}).empty());
  EXPECT_EQ(UidSet::from(12).toString(), "12:*");
  EXPECT_EQ(UidSet::range(4, 4).toString(), "4");
  EXPECT_EQ(UidSet::single(7).toString(), "7");
}

TEST(UidSetTest, ExpandsServerSets) {
  EXPECT_EQ(UidSet::expand("304,319:320").value(), (std::vector<uint32_t>{304, 319, 320}));
  EXPECT_EQ(UidSet::expand("5:3").value(), (std::vector<uint32_t>{3, 4, 5}));
  EXPECT_FALSE(UidSet::expand("1:*"));
  EXPECT_FALSE(UidSet::expand("0"));
  EXPECT_FALSE(UidSet::expand("a"));
  EXPECT_FALSE(UidSet::expand(""));
  EXPECT_FALSE(UidSet::expand("1:100", 10));
}

}  // namespace
}  // namespace mg::imap
