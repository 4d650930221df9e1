#include "smtp/Address.h"

#include <gtest/gtest.h>

#include <string>

using mg::smtp::parseMailbox;

TEST(AddressTest, TheOneParserAcceptsMailboxesAndSaysWhatIsWrongWithTheRest) {
  auto ok = parseMailbox("alice@example.org");
  ASSERT_TRUE(ok.ok()) << ok.errorMessage();
  EXPECT_EQ(ok->localPart, "alice");
  EXPECT_EQ(ok->domain, "example.org");
  EXPECT_FALSE(ok->utf8);
  EXPECT_TRUE(parseMailbox("\"quoted.local\"@example.org").ok());
  // A blank, even quoted: the address must fit between <> on one command line unambiguously.
  EXPECT_EQ(parseMailbox("\"quoted local\"@example.org").errorMessage(), "blank or control byte in address");
  EXPECT_TRUE(parseMailbox("x@[192.0.2.1]").ok());
  auto utf8 = parseMailbox("j\xc3\xb6rg@b\xc3\xbc" "cher.example");
  ASSERT_TRUE(utf8.ok());
  EXPECT_TRUE(utf8->utf8);
  const std::pair<const char*, const char*> bad[] = {
      {"", "empty address"},
      {"no-at-sign", "missing '@domain'"},
      {"a b@example.org", "blank or control byte in address"},
      {"a@example.org\r\nRCPT TO:<x@y>", "blank or control byte in address"},
      {"a<b@example.org", "blank or control byte in address"},
      {"a>b@example.org", "blank or control byte in address"},
      {"a,b@example.org", "bad local part"},
      {"a@exa..mple.org", "bad domain"},
      {"\xff@example.org", "8-bit bytes in address that are not UTF-8"},
  };
  for (const auto& [address, problem] : bad) {
    auto r = parseMailbox(address);
    EXPECT_FALSE(r.ok()) << address;
    EXPECT_EQ(r.errorMessage(), problem) << address;
  }
  EXPECT_EQ(parseMailbox(std::string(65, 'l') + "@example.org").errorMessage(), "bad local part");  // > 64 octets
  EXPECT_EQ(parseMailbox("a@" + std::string(260, 'd')).errorMessage(), "address too long");
}

TEST(AddressTest, AnEnvelopeTakesWhatMailAndRcptAccept) {
  using mg::smtp::checkEnvelopeAddress;
  EXPECT_TRUE(checkEnvelopeAddress("", true).ok());    // MAIL FROM:<>
  EXPECT_FALSE(checkEnvelopeAddress("", false).ok());  // RCPT TO:<> is not an address
  EXPECT_TRUE(checkEnvelopeAddress("PostMaster", false).ok());  // RFC 5321 §4.1.1.3
  EXPECT_FALSE(checkEnvelopeAddress("postmaster", true).ok());  // only as a recipient
  EXPECT_TRUE(checkEnvelopeAddress("a@example.org", true).ok());
  EXPECT_EQ(checkEnvelopeAddress("a b@example.org", false).message(), "blank or control byte in address");
}
