#include "imap/Command.h"

#include <gtest/gtest.h>

#include "imap/SearchCriteria.h"

namespace mg::imap {
namespace {

std::string wire(const Command& c) {
  std::string out;
  for (const auto& s : c.segments()) out += s.literal ? "{" + std::to_string(s.text.size()) + "}\r\n" + s.text : s.text;
  return out;
}

TEST(CommandTest, AtomsStayBareAndOthersAreQuoted) {
  Command c("SELECT");
  c.astring("INBOX.Quarantine");
  EXPECT_EQ(wire(c), "SELECT INBOX.Quarantine");
  Command q("SELECT");
  q.astring("My Folder \"x\\y\"");
  EXPECT_EQ(wire(q), "SELECT \"My Folder \\\"x\\\\y\\\"\"");
  Command e("CREATE");
  e.astring("");
  EXPECT_EQ(wire(e), "CREATE \"\"");
  Command n("SELECT");
  n.astring("NIL");
  EXPECT_EQ(wire(n), "SELECT \"NIL\"");
}

TEST(CommandTest, WildcardsAndBracketsAreNotAtoms) {
  EXPECT_FALSE(Command::isAtom("a*"));
  EXPECT_FALSE(Command::isAtom("a%"));
  EXPECT_FALSE(Command::isAtom("a]"));
  EXPECT_FALSE(Command::isAtom("a b"));
  EXPECT_TRUE(Command::isAtom("$MailgateReleased"));
}

TEST(CommandTest, EightBitAndLineBreaksBecomeLiterals) {
  Command c("LOGIN");
  c.astring("user").astring("pa\r\nss", true);
  ASSERT_EQ(c.segments().size(), 2u);
  EXPECT_TRUE(c.segments()[1].literal);
  EXPECT_EQ(c.segments()[1].text, "pa\r\nss");
  Command u("CREATE");
  u.astring("Qu\xc3\xa4rantine");
  EXPECT_TRUE(u.hasLiteral());
}

TEST(CommandTest, PasswordsAreMaskedInTheLogForm) {
  Command c("LOGIN");
  c.astring("alice").astring("s3cret", true);
  EXPECT_EQ(c.logForm(), "LOGIN alice ********");
  EXPECT_EQ(wire(c), "LOGIN alice \"s3cret\"");
  Command lit("LOGIN");
  lit.astring("alice").astring("s3\xffret", true);
  EXPECT_EQ(lit.logForm(), "LOGIN alice ********");
  Command plain("AUTHENTICATE PLAIN");
  plain.raw("AGFsaWNlAHMzY3JldA==", true);
  EXPECT_EQ(plain.logForm(), "AUTHENTICATE PLAIN ********");
}

TEST(CommandTest, FlagListDropsWhatIsNotAFlag) {
  Command c("STORE");
  c.flagList({"\\Seen", "$MailgateReleased", "bad flag", "(x"});
  EXPECT_EQ(wire(c), "STORE (\\Seen $MailgateReleased)");
}

TEST(CommandTest, LiteralsKeepSpacing) {
  Command c("APPEND");
  c.astring("INBOX").flagList({"\\Seen"}).string("01-Jan-2024 10:00:00 +0000").literal("hi");
  EXPECT_EQ(wire(c), "APPEND INBOX (\\Seen) \"01-Jan-2024 10:00:00 +0000\" {2}\r\nhi");
  EXPECT_EQ(c.logForm(), "APPEND INBOX (\\Seen) \"01-Jan-2024 10:00:00 +0000\" {2}");
}

TEST(CommandTest, SearchCriteriaQuoteHeaderValues) {
  SearchCriteria s;
  s.uids(UidSet::from(5)).unkeyword("$MailgateReleased").header("Message-ID", "<a\"b@c>");
  Command c("UID SEARCH");
  c.append(s.command());
  EXPECT_EQ(wire(c), "UID SEARCH UID 5:* UNKEYWORD $MailgateReleased HEADER Message-ID \"<a\\\"b@c>\"");
}

TEST(CommandTest, AppendKeepsLiteralsAndSecretsApart) {
  Command inner;
  inner.raw("HEADER").string("x\r\ny").raw("ALL");
  Command c("UID SEARCH");
  c.append(inner);
  EXPECT_EQ(wire(c), "UID SEARCH HEADER {4}\r\nx\r\ny ALL");
}

}  // namespace
}  // namespace mg::imap
