#include "crypto/Totp.h"

#include <gtest/gtest.h>

#include "crypto/ConstantTime.h"
#include "crypto/Encoding.h"

namespace mg::crypto {
namespace {

const std::string kRfcSecret = "12345678901234567890";  // RFC 4226 App. D / RFC 6238 App. B (SHA-1)

TEST(TotpTest, HotpMatchesRfc4226Vectors) {
  const uint32_t expected[] = {755224, 287082, 359152, 969429, 338314, 254676, 287922, 162583, 399871, 520489};
  for (uint64_t counter = 0; counter < 10; ++counter) EXPECT_EQ(Totp::hotp(kRfcSecret, counter), expected[counter]);
}

TEST(TotpTest, EightDigitValuesMatchRfc6238Vectors) {
  const std::pair<int64_t, uint32_t> vectors[] = {{59, 94287082},         {1111111109, 7081804},
                                                   {1111111111, 14050471}, {1234567890, 89005924},
                                                   {2000000000, 69279037}, {20000000000, 65353130}};
  for (const auto& [t, value] : vectors) EXPECT_EQ(Totp::hotp(kRfcSecret, static_cast<uint64_t>(t / 30), 8), value) << t;
}

TEST(TotpTest, CodeIsZeroPaddedSixDigits) {
  // Step 1111111109 / 30 gives 081804 in six digits: the leading zero stays.
  EXPECT_EQ(Totp::code(kRfcSecret, 1111111109), "081804");
  EXPECT_EQ(Totp::code(kRfcSecret, 59), "287082");
}

TEST(TotpTest, VerifyAcceptsTheWindowAndRefusesReuse) {
  const int64_t now = 1111111109;
  const int64_t step = Totp::stepAt(now);
  EXPECT_EQ(Totp::verify(kRfcSecret, Totp::code(kRfcSecret, now), now, 0), step);
  EXPECT_EQ(Totp::verify(kRfcSecret, Totp::code(kRfcSecret, now - 30), now, 0), step - 1);
  EXPECT_EQ(Totp::verify(kRfcSecret, Totp::code(kRfcSecret, now + 30), now, 0), step + 1);
  EXPECT_FALSE(Totp::verify(kRfcSecret, Totp::code(kRfcSecret, now - 60), now, 0));
  EXPECT_FALSE(Totp::verify(kRfcSecret, Totp::code(kRfcSecret, now + 60), now, 0));
  // The step already used, or one before it, does not log in again.
  EXPECT_FALSE(Totp::verify(kRfcSecret, Totp::code(kRfcSecret, now), now, step));
  EXPECT_FALSE(Totp::verify(kRfcSecret, Totp::code(kRfcSecret, now - 30), now, step));
  EXPECT_EQ(Totp::verify(kRfcSecret, Totp::code(kRfcSecret, now + 30), now, step), step + 1);
}

TEST(TotpTest, VerifyRefusesMalformedCodes) {
  const int64_t now = 59;
  EXPECT_FALSE(Totp::verify(kRfcSecret, "", now, -1));
  EXPECT_FALSE(Totp::verify(kRfcSecret, "28708", now, -1));
  EXPECT_FALSE(Totp::verify(kRfcSecret, "2870820", now, -1));
  EXPECT_FALSE(Totp::verify(kRfcSecret, "28708a", now, -1));
  EXPECT_FALSE(Totp::verify(kRfcSecret, " 287082", now, -1));
  EXPECT_FALSE(Totp::verify("", "287082", now, -1));
  EXPECT_EQ(Totp::verify(kRfcSecret, "287082", now, -1), 1);
}

TEST(TotpTest, SecretsAreRandomAndUriIsTheKeyUriFormat) {
  const std::string a = Totp::generateSecret();
  EXPECT_EQ(a.size(), Totp::kSecretSize);
  EXPECT_NE(a, Totp::generateSecret());
  EXPECT_EQ(Totp::uri("mailgate", "alice", "foobar"),
            "otpauth://totp/mailgate:alice?secret=MZXW6YTBOI&issuer=mailgate&algorithm=SHA1&digits=6&period=30");
  // A label character that would end the label or the path is escaped.
  EXPECT_EQ(Totp::uri("mailgate", "a:b/c d", "f"),
            "otpauth://totp/mailgate:a%3Ab%2Fc%20d?secret=MY&issuer=mailgate&algorithm=SHA1&digits=6&period=30");
}

TEST(TotpTest, Base32MatchesRfc4648Vectors) {
  EXPECT_EQ(base32Encode(""), "");
  EXPECT_EQ(base32Encode("f"), "MY");
  EXPECT_EQ(base32Encode("fo"), "MZXQ");
  EXPECT_EQ(base32Encode("foo"), "MZXW6");
  EXPECT_EQ(base32Encode("foob"), "MZXW6YQ");
  EXPECT_EQ(base32Encode("fooba"), "MZXW6YTB");
  EXPECT_EQ(base32Encode("foobar"), "MZXW6YTBOI");
}

TEST(TotpTest, SameSecretComparesWholeValues) {
  EXPECT_TRUE(sameSecret("abc", "abc"));
  EXPECT_FALSE(sameSecret("abd", "abc"));
  EXPECT_FALSE(sameSecret("ab", "abc"));
  EXPECT_FALSE(sameSecret("", ""));
  EXPECT_FALSE(sameSecret("x", ""));
}

}  // namespace
}  // namespace mg::crypto
