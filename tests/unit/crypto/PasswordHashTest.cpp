#include "crypto/PasswordHash.h"

#include "crypto/Encoding.h"

#include <gtest/gtest.h>

namespace mg::crypto {
namespace {

// Low iteration count keeps the suite fast; the default is exercised once below.
constexpr uint32_t kTestIterations = 1000;

TEST(PasswordHashTest, VerifiesTheRightPasswordOnly) {
  const std::string encoded = PasswordHash::hash("correct horse", kTestIterations);
  EXPECT_TRUE(PasswordHash::verify("correct horse", encoded));
  EXPECT_FALSE(PasswordHash::verify("correct hors", encoded));
  EXPECT_FALSE(PasswordHash::verify("Correct horse", encoded));
  EXPECT_FALSE(PasswordHash::verify("", encoded));
}

TEST(PasswordHashTest, EncodingHasSchemeIterationsSaltAndHash) {
  const std::string encoded = PasswordHash::hash("pw", kTestIterations);
  ASSERT_EQ(encoded.rfind("pbkdf2-sha256$1000$", 0), 0u) << encoded;
  const size_t saltStart = encoded.find('$', 14) + 1;
  const size_t hashStart = encoded.find('$', saltStart) + 1;
  EXPECT_EQ(base64Decode(encoded.substr(saltStart, hashStart - 1 - saltStart))->size(), PasswordHash::kSaltSize);
  EXPECT_EQ(base64Decode(encoded.substr(hashStart))->size(), PasswordHash::kHashSize);
  EXPECT_TRUE(PasswordHash::checkEncoding(encoded));
}

TEST(PasswordHashTest, SaltMakesEveryHashDifferent) {
  EXPECT_NE(PasswordHash::hash("pw", kTestIterations), PasswordHash::hash("pw", kTestIterations));
}

TEST(PasswordHashTest, VerifiesAnIndependentlyComputedHash) {
  // Python: hashlib.pbkdf2_hmac("sha256", b"password", b"saltsaltsaltsalt", 4096, 32).
  const std::string encoded =
      "pbkdf2-sha256$4096$c2FsdHNhbHRzYWx0c2FsdA==$FuNbErQfRlymTQaVeNdQBZd1zK1d861T1rIErLEi0e4=";
  EXPECT_TRUE(PasswordHash::checkEncoding(encoded));
  EXPECT_TRUE(PasswordHash::verify("password", encoded));
  EXPECT_FALSE(PasswordHash::verify("passwore", encoded));
}

TEST(PasswordHashTest, RejectsMalformedEncodingsCleanly) {
  const std::string good = PasswordHash::hash("pw", kTestIterations);
  const std::string salt = good.substr(19, 24);
  const std::string hash = good.substr(44);
  for (const std::string& bad : {
           std::string(),
           std::string("pw"),
           std::string("pbkdf2-sha256$1000$") + salt,                 // missing hash
           std::string("pbkdf2-sha1$1000$") + salt + "$" + hash,      // other scheme
           std::string("pbkdf2-sha256$0$") + salt + "$" + hash,       // zero iterations
           std::string("pbkdf2-sha256$01000$") + salt + "$" + hash,   // leading zero
           std::string("pbkdf2-sha256$-5$") + salt + "$" + hash,
           std::string("pbkdf2-sha256$99999999$") + salt + "$" + hash,  // above the cap
           std::string("pbkdf2-sha256$1000$!!$") + hash,
           std::string("pbkdf2-sha256$1000$") + salt + "$" + hash + "$extra",
           std::string("pbkdf2-sha256$1000$") + salt + "$" + "AAAA",  // hash too short
       }) {
    EXPECT_FALSE(PasswordHash::checkEncoding(bad)) << bad;
    EXPECT_FALSE(PasswordHash::verify("pw", bad)) << bad;
    EXPECT_TRUE(PasswordHash::needsRehash(bad)) << bad;
  }
}

TEST(PasswordHashTest, RejectsInvalidIterationParameter) {
  EXPECT_THROW((void)PasswordHash::hash("pw", 0), std::invalid_argument);
  EXPECT_THROW((void)PasswordHash::hash("pw", PasswordHash::kMaxIterations + 1), std::invalid_argument);
}

TEST(PasswordHashTest, NeedsRehashBelowWantedIterations) {
  const std::string encoded = PasswordHash::hash("pw", kTestIterations);
  EXPECT_TRUE(PasswordHash::needsRehash(encoded, kTestIterations + 1));
  EXPECT_FALSE(PasswordHash::needsRehash(encoded, kTestIterations));
}

TEST(PasswordHashTest, DefaultIterationsRoundTrip) {
  const std::string encoded = PasswordHash::hash("pw");
  EXPECT_NE(encoded.find("$" + std::to_string(PasswordHash::kDefaultIterations) + "$"), std::string::npos);
  EXPECT_TRUE(PasswordHash::verify("pw", encoded));
}

}  // namespace
}  // namespace mg::crypto
