#include "crypto/Encoding.h"

#include <gtest/gtest.h>

namespace mg::crypto {
namespace {

TEST(EncodingTest, Base64MatchesRfc4648Vectors) {
  EXPECT_EQ(base64Encode(""), "");
  EXPECT_EQ(base64Encode("f"), "Zg==");
  EXPECT_EQ(base64Encode("fo"), "Zm8=");
  EXPECT_EQ(base64Encode("foo"), "Zm9v");
  EXPECT_EQ(base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64Decode("Zm9vYg==").value(), "foob");
  EXPECT_EQ(base64Decode("Zm9vYmE=").value(), "fooba");
}

TEST(EncodingTest, Base64RoundTripsEveryByteValue) {
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  for (size_t n = 0; n <= all.size(); n += 17) EXPECT_EQ(base64Decode(base64Encode(all.substr(0, n))).value(), all.substr(0, n));
}

TEST(EncodingTest, Base64DecodeRejectsNonCanonicalText) {
  EXPECT_FALSE(base64Decode("Zg"));          // missing padding
  EXPECT_FALSE(base64Decode("Zh=="));        // non-zero trailing bits
  EXPECT_FALSE(base64Decode("Zm9v\n"));      // whitespace
  EXPECT_FALSE(base64Decode("Zm=v"));        // padding in the middle
  EXPECT_FALSE(base64Decode("===="));
  EXPECT_FALSE(base64Decode("Zm9-"));        // URL-safe alphabet is not standard base64
}

TEST(EncodingTest, UrlSafeUsesDashUnderscoreWithoutPadding) {
  EXPECT_EQ(base64UrlEncode(std::string("\xfb\xff", 2)), "-_8");
  EXPECT_EQ(hexEncode(std::string("\x00\xab\xff", 3)), "00abff");
}

}  // namespace
}  // namespace mg::crypto
