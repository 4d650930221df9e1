#include "smtp/SmtpCommand.h"

#include <gtest/gtest.h>

#include "smtp/Sasl.h"
#include "smtp/SmtpReply.h"

namespace mg::smtp {
namespace {

TEST(SmtpCommandTest, VerbIsUpperCasedAndArgumentTrimmed) {
  auto c = parseCommand("ehlo   client.example  ");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->verb, "EHLO");
  EXPECT_EQ(c->argument, "client.example");
  auto q = parseCommand("QUIT");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->verb, "QUIT");
  EXPECT_TRUE(q->argument.empty());
}

TEST(SmtpCommandTest, EmptyLineIsASyntaxError) {
  auto c = parseCommand("");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.errorMessage().substr(0, 9), "500 5.5.2");
}

TEST(SmtpCommandTest, OverLongLineIsRefused) {
  EXPECT_TRUE(parseCommand("NOOP " + std::string(505, 'x')).ok());  // 510 + CRLF = 512
  auto c = parseCommand("NOOP " + std::string(506, 'x'));
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.errorMessage().substr(0, 9), "500 5.5.2");
}

TEST(SmtpCommandTest, MailFromPlainAndNullSender) {
  auto m = parseCommand("MAIL FROM:<alice@example.com>");
  ASSERT_TRUE(m.ok()) << m.errorMessage();
  EXPECT_EQ(m->path, "alice@example.com");
  EXPECT_FALSE(m->nullPath);
  auto n = parseCommand("mail from:<>");
  ASSERT_TRUE(n.ok());
  EXPECT_TRUE(n->nullPath);
  EXPECT_EQ(n->path, "");
}

TEST(SmtpCommandTest, MailFromToleratesSpaceAfterColon) {
  auto m = parseCommand("MAIL FROM: <alice@example.com>");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->path, "alice@example.com");
}

TEST(SmtpCommandTest, SourceRouteIsDropped) {
  auto r = parseCommand("RCPT TO:<@relay.example,@b.example:bob@example.org>");
  ASSERT_TRUE(r.ok()) << r.errorMessage();
  EXPECT_EQ(r->path, "bob@example.org");
}

TEST(SmtpCommandTest, BadPathsAreRefusedWithReasons) {
  const char* bad[] = {
      "MAIL FROM:alice@example.com",       // no brackets
      "MAIL FROM:<alice@example.com",      // no closing bracket
      "MAIL FROM:<alice @example.com>",    // blank inside
      "MAIL FROM:<alice>",                 // no domain
      "MAIL FROM:<@example.com>",          // source route without colon
      "MAIL FROM:<alice@exa..mple.com>",   // empty label
      "MAIL FROM:<alice@example.com>junk", // junk after '>'
      "MAIL FROM:<al<ice@example.com>",
  };
  for (const char* line : bad) {
    auto m = parseCommand(line);
    ASSERT_FALSE(m.ok()) << line;
    EXPECT_EQ(m.errorMessage().substr(0, 10), "501 5.1.7 ") << line << " → " << m.errorMessage();
  }
  auto r = parseCommand("RCPT TO:<>");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.errorMessage().substr(0, 10), "501 5.1.3 ");
}

TEST(SmtpCommandTest, Utf8AddressIsMarkedForTheSessionToCheckSmtpUtf8) {
  auto m = parseCommand("MAIL FROM:<j\xc3\xb6rg@b\xc3\xbc" "cher.example> SMTPUTF8");
  ASSERT_TRUE(m.ok()) << m.errorMessage();
  EXPECT_EQ(m->path, "j\xc3\xb6rg@b\xc3\xbc" "cher.example");
  EXPECT_TRUE(m->utf8Path);
  EXPECT_TRUE(m->smtpUtf8);
  auto ascii = parseCommand("RCPT TO:<a@b.example>");
  ASSERT_TRUE(ascii.ok());
  EXPECT_FALSE(ascii->utf8Path);
}

TEST(SmtpCommandTest, EightBitAddressThatIsNotUtf8IsRefused) {
  for (const char* line : {"MAIL FROM:<j\xf6rg@example.com> SMTPUTF8", "RCPT TO:<a@\xc0\xafx.example>",
                           "RCPT TO:<\xed\xa0\x80@x.example>", "RCPT TO:<a\xe2\x82@x.example>"}) {
    auto m = parseCommand(line);
    ASSERT_FALSE(m.ok()) << line;
    EXPECT_NE(m.errorMessage().find("not UTF-8"), std::string::npos) << m.errorMessage();
  }
}

TEST(SmtpCommandTest, SmtpUtf8TakesNoValue) {
  auto m = parseCommand("MAIL FROM:<a@b.example> SMTPUTF8=yes");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.errorMessage().substr(0, 9), "501 5.5.4");
}

TEST(SmtpCommandTest, MissingFromOrToKeyword) {
  auto m = parseCommand("MAIL <a@b.c>");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.errorMessage(), "501 5.5.4 Syntax: MAIL FROM:<address>");
  auto r = parseCommand("RCPT FROM:<a@b.c>");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.errorMessage(), "501 5.5.4 Syntax: RCPT TO:<address>");
}

TEST(SmtpCommandTest, PathLengthLimit) {
  const std::string local(64, 'a');
  std::string domain;
  while (domain.size() < 180) domain += "abcdefghi.";
  domain += "example";  // <local@domain> = 1 + 64 + 1 + 187 + 1 = 254
  EXPECT_TRUE(parseCommand("MAIL FROM:<" + local + "@" + domain + ">").ok());
  auto m = parseCommand("MAIL FROM:<" + local + "@" + domain + "xxx>");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.errorMessage().find("too long"), std::string::npos);
}

TEST(SmtpCommandTest, PostmasterWithoutDomainOnlyForRcpt) {
  EXPECT_TRUE(parseCommand("RCPT TO:<Postmaster>").ok());
  EXPECT_FALSE(parseCommand("MAIL FROM:<Postmaster>").ok());
}

TEST(SmtpCommandTest, SizeAndBodyParameters) {
  auto m = parseCommand("MAIL FROM:<a@b.example> SIZE=12345 body=8bitmime");
  ASSERT_TRUE(m.ok()) << m.errorMessage();
  ASSERT_TRUE(m->size.has_value());
  EXPECT_EQ(*m->size, 12345u);
  EXPECT_EQ(m->body, BodyType::EightBitMime);
  auto s = parseCommand("MAIL FROM:<a@b.example>  BODY=7BIT");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->body, BodyType::SevenBit);
}

TEST(SmtpCommandTest, BadOrUnknownParameters) {
  auto unknown = parseCommand("MAIL FROM:<a@b.example> DSN=FULL");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.errorMessage().substr(0, 9), "555 5.5.4");
  auto rcpt = parseCommand("RCPT TO:<a@b.example> NOTIFY=NEVER");
  ASSERT_FALSE(rcpt.ok());
  EXPECT_EQ(rcpt.errorMessage().substr(0, 9), "555 5.5.4");
  for (const char* line : {"MAIL FROM:<a@b.example> SIZE=abc", "MAIL FROM:<a@b.example> SIZE=",
                           "MAIL FROM:<a@b.example> SIZE=99999999999999999999",
                           "MAIL FROM:<a@b.example> SIZE=1 SIZE=2", "MAIL FROM:<a@b.example> BODY=BINARYMIME"}) {
    auto m = parseCommand(line);
    ASSERT_FALSE(m.ok()) << line;
    EXPECT_EQ(m.errorMessage().substr(0, 9), "501 5.5.4") << line;
  }
}

TEST(SmtpCommandTest, AuthParameterOnMailIsAcceptedAndIgnored) {
  auto m = parseCommand("MAIL FROM:<a@b.example> AUTH=<>");
  EXPECT_TRUE(m.ok()) << m.errorMessage();
}

TEST(SmtpReplyTest, SingleAndMultiLine) {
  EXPECT_EQ(SmtpReply::line(250, "2.0.0", "Ok"), "250 2.0.0 Ok\r\n");
  EXPECT_EQ(SmtpReply::line(334, "", ""), "334 \r\n");
  SmtpReply r(250, "", "mx.example");
  r.add("PIPELINING").add("SIZE 10");
  EXPECT_EQ(r.format(), "250-mx.example\r\n250-PIPELINING\r\n250 SIZE 10\r\n");
  SmtpReply h(214, "2.0.0", "a");
  h.add("b");
  EXPECT_EQ(h.format(), "214-2.0.0 a\r\n214 2.0.0 b\r\n");
}

TEST(SmtpReplyTest, LineBreaksInTextCannotForgeReplies) {
  EXPECT_EQ(SmtpReply::line(250, "2.0.0", "a\r\n250 b"), "250 2.0.0 a  250 b\r\n");
  EXPECT_EQ(SmtpReply::wire("250 ok\r\n550 x"), "250 ok  550 x\r\n");
}

TEST(SmtpReplyTest, WellFormedReplyLines) {
  EXPECT_TRUE(isWellFormedReplyLine("250 2.0.0 Ok: held as 42"));
  EXPECT_TRUE(isWellFormedReplyLine("451"));
  EXPECT_FALSE(isWellFormedReplyLine(""));
  EXPECT_FALSE(isWellFormedReplyLine("25"));
  EXPECT_FALSE(isWellFormedReplyLine("150 x"));
  EXPECT_FALSE(isWellFormedReplyLine("250-multi"));
  EXPECT_FALSE(isWellFormedReplyLine("ok"));
}

TEST(SaslTest, Base64RoundTripAndStrictness) {
  for (const std::string& s : std::vector<std::string>{"", "a", "ab", "abc", "abcd", std::string("\0u\0p", 4)}) {
    auto d = detail::decodeBase64(detail::encodeBase64(s));
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(*d, s);
  }
  EXPECT_EQ(detail::encodeBase64("Username:"), "VXNlcm5hbWU6");
  EXPECT_FALSE(detail::decodeBase64("abc").has_value());
  EXPECT_FALSE(detail::decodeBase64("a=bc").has_value());
  EXPECT_FALSE(detail::decodeBase64("ab=c").has_value());
  EXPECT_FALSE(detail::decodeBase64("ab!c").has_value());
  EXPECT_FALSE(detail::decodeBase64("ab==abcd").has_value());
}

TEST(SaslTest, PlainMessage) {
  auto c = detail::parsePlain(std::string("\0alice\0secret", 13));
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->user, "alice");
  EXPECT_EQ(c->password, "secret");
  EXPECT_TRUE(detail::parsePlain(std::string("alice\0alice\0pw", 14)).has_value());
  EXPECT_FALSE(detail::parsePlain(std::string("bob\0alice\0pw", 12)).has_value());
  EXPECT_FALSE(detail::parsePlain("alice").has_value());
  EXPECT_FALSE(detail::parsePlain(std::string("\0\0pw", 4)).has_value());
}

}  // namespace
}  // namespace mg::smtp
