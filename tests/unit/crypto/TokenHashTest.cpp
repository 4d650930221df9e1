#include "crypto/TokenHash.h"

#include <gtest/gtest.h>

#include <set>

namespace mg::crypto {
namespace {

TEST(TokenHashTest, GeneratedTokensArePrefixedUrlSafeAndUnique) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const std::string token = TokenHash::generateToken();
    EXPECT_EQ(token.rfind("mg_", 0), 0u);
    EXPECT_EQ(token.size(), TokenHash::kTokenLength);
    EXPECT_EQ(token.size(), 46u);
    EXPECT_TRUE(TokenHash::looksLikeToken(token)) << token;
    EXPECT_EQ(token.find_first_of("+/= "), std::string::npos);
    seen.insert(token);
  }
  EXPECT_EQ(seen.size(), 100u);
}

TEST(TokenHashTest, HashIsStableLowerHexSha256) {
  // Python: hashlib.sha256(b"mg_test").hexdigest()
  EXPECT_EQ(TokenHash::hashToken("mg_test"), "9e22f0ffc81c83a9f7e3a6f07e1de5c289bc23292b600dc4bd4ab267745fb18d");
  EXPECT_EQ(TokenHash::hashToken(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const std::string token = TokenHash::generateToken();
  EXPECT_EQ(TokenHash::hashToken(token), TokenHash::hashToken(token));
  EXPECT_NE(TokenHash::hashToken(token), TokenHash::hashToken(TokenHash::generateToken()));
}

TEST(TokenHashTest, MatchesOnlyTheRightToken) {
  const std::string token = TokenHash::generateToken();
  const std::string stored = TokenHash::hashToken(token);
  EXPECT_TRUE(TokenHash::matches(token, stored));
  EXPECT_FALSE(TokenHash::matches(token + "x", stored));
  EXPECT_FALSE(TokenHash::matches(token, stored.substr(1)));
  EXPECT_FALSE(TokenHash::matches(token, ""));
}

TEST(TokenHashTest, LooksLikeTokenRejectsOtherShapes) {
  EXPECT_FALSE(TokenHash::looksLikeToken(""));
  EXPECT_FALSE(TokenHash::looksLikeToken("mg_short"));
  EXPECT_FALSE(TokenHash::looksLikeToken("xx_" + std::string(43, 'a')));
  EXPECT_FALSE(TokenHash::looksLikeToken("mg_" + std::string(42, 'a') + "/"));
  EXPECT_TRUE(TokenHash::looksLikeToken("mg_" + std::string(43, 'a')));
}

}  // namespace
}  // namespace mg::crypto
