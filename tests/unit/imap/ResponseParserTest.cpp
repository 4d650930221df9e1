#include "imap/ResponseParser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mg::imap {
namespace {

// Feeds everything, returns every response (fails the test on an error).
std::vector<Response> parseAll(const std::string& bytes, ParserLimits limits = {}) {
  ResponseParser p(limits);
  p.feed(bytes);
  std::vector<Response> out;
  for (;;) {
    auto r = p.next();
    EXPECT_TRUE(r.ok()) << r.errorMessage();
    if (!r.ok() || !r.value()) break;
    out.push_back(std::move(*r.value()));
  }
  return out;
}

Response one(const std::string& bytes) {
  auto all = parseAll(bytes);
  EXPECT_EQ(all.size(), 1u) << bytes;
  return all.empty() ? Response() : all.front();
}

TEST(ResponseParserTest, TaggedOkWithCodeAndText) {
  const auto r = one("A1 OK [READ-WRITE] Select completed.\r\n");
  EXPECT_EQ(r.kind, Response::Kind::Tagged);
  EXPECT_EQ(r.tag, "A1");
  EXPECT_EQ(r.name, "OK");
  ASSERT_TRUE(r.code);
  EXPECT_EQ(r.code->name, "READ-WRITE");
  EXPECT_EQ(r.text, "Select completed.");
}

TEST(ResponseParserTest, TaggedNoAndBadWithoutText) {
  EXPECT_EQ(one("a2 no\r\n").name, "NO");
  EXPECT_EQ(one("A3 BAD\r\n").name, "BAD");
}

TEST(ResponseParserTest, LoginFailureDescribesCodeAndText) {
  const auto r = one("A1 NO [AUTHENTICATIONFAILED] Authentication failed.\r\n");
  EXPECT_EQ(r.describe(), "NO [AUTHENTICATIONFAILED] Authentication failed.");
}

TEST(ResponseParserTest, ContinuationWithAndWithoutText) {
  auto r = one("+ idling\r\n");
  EXPECT_EQ(r.kind, Response::Kind::Continuation);
  EXPECT_EQ(r.text, "idling");
  r = one("+\r\n");
  EXPECT_EQ(r.kind, Response::Kind::Continuation);
  EXPECT_EQ(r.text, "");
}

TEST(ResponseParserTest, NumberedUntagged) {
  const auto r = one("* 23 EXISTS\r\n");
  EXPECT_EQ(r.kind, Response::Kind::Untagged);
  ASSERT_TRUE(r.number);
  EXPECT_EQ(*r.number, 23u);
  EXPECT_EQ(r.name, "EXISTS");
}

TEST(ResponseParserTest, CapabilityAtoms) {
  const auto r = one("* CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN LITERAL+ IDLE\r\n");
  EXPECT_EQ(r.name, "CAPABILITY");
  ASSERT_EQ(r.data.size(), 5u);
  EXPECT_TRUE(r.data[3].isAtom("literal+"));
}

TEST(ResponseParserTest, CodesWithArguments) {
  auto r = one("* OK [UIDVALIDITY 3857529045] UIDs valid\r\n");
  ASSERT_TRUE(r.code);
  EXPECT_EQ(r.code->name, "UIDVALIDITY");
  ASSERT_EQ(r.code->args.size(), 1u);
  EXPECT_EQ(*r.code->args[0].asUint32(), 3857529045u);
  r = one("A5 OK [COPYUID 38505 304,319:320 3956:3958] Done\r\n");
  ASSERT_EQ(r.code->args.size(), 3u);
  EXPECT_EQ(r.code->args[1].text, "304,319:320");
  r = one("* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited\r\n");
  ASSERT_TRUE(r.code->args[0].isList());
  EXPECT_EQ(r.code->args[0].items[2].text, "\\*");
  r = one("A1 NO [TRYCREATE] Mailbox doesn't exist: X\r\n");
  EXPECT_TRUE(r.hasCode("TRYCREATE"));
  r = one("* OK [CAPABILITY IMAP4rev1 LITERAL+ AUTH=PLAIN] Dovecot ready.\r\n");
  EXPECT_EQ(r.code->args.size(), 3u);
}

TEST(ResponseParserTest, CodeWithFreeTextIsKeptRaw) {
  const auto r = one("* NO [ALERT weird \"unterminated] text\r\n");
  ASSERT_TRUE(r.code);
  EXPECT_EQ(r.code->name, "ALERT");
  EXPECT_EQ(r.code->raw, "ALERT weird \"unterminated");
  EXPECT_EQ(r.text, "text");
}

TEST(ResponseParserTest, QuotedStringsWithEscapesAndNil) {
  const auto r = one("* LIST (\\HasNoChildren) \"\\\\\" \"a \\\"quoted\\\" name\"\r\n");
  ASSERT_EQ(r.data.size(), 3u);
  EXPECT_EQ(r.data[1].kind, Value::Kind::String);
  EXPECT_EQ(r.data[1].text, "\\");
  EXPECT_EQ(r.data[2].text, "a \"quoted\" name");
  const auto n = one("* NAMESPACE ((\"INBOX.\" \".\")) NIL NIL\r\n");
  EXPECT_TRUE(n.data[1].isNil());
  EXPECT_EQ(n.data[0].items[0].items[0].text, "INBOX.");
}

TEST(ResponseParserTest, LiteralsSyncAndNonSync) {
  const auto r = one("* 1 FETCH (UID 7 BODY[HEADER] {12}\r\nSubject: x\r\n RFC822.SIZE 99)\r\n");
  ASSERT_EQ(r.data.size(), 1u);
  const auto& items = r.data[0].items;
  ASSERT_EQ(items.size(), 6u);
  EXPECT_EQ(items[2].text, "BODY[HEADER]");
  EXPECT_EQ(items[3].kind, Value::Kind::Literal);
  EXPECT_EQ(items[3].text, "Subject: x\r\n");
  EXPECT_EQ(items[5].number, 99u);
  const auto p = one("* LIST () \"/\" {3+}\r\na\"b\r\n");
  EXPECT_EQ(p.data[2].text, "a\"b");
  const auto empty = one("* 2 FETCH (BODY[] {0}\r\n)\r\n");
  EXPECT_EQ(empty.data[0].items[1].text, "");
}

TEST(ResponseParserTest, SectionAtomsWithListsAndPartial) {
  const auto r = one("* 3 FETCH (BODY[HEADER.FIELDS (MESSAGE-ID SUBJECT)] {2}\r\n\r\n BODY[]<0> \"x\")\r\n");
  const auto& items = r.data[0].items;
  EXPECT_EQ(items[0].text, "BODY[HEADER.FIELDS (MESSAGE-ID SUBJECT)]");
  EXPECT_EQ(items[2].text, "BODY[]<0>");
}

TEST(ResponseParserTest, AdjacentListsInBodyStructure) {
  const auto r = one("* 1 FETCH (BODYSTRUCTURE ((\"text\" \"plain\")(\"text\" \"html\") \"alternative\"))\r\n");
  EXPECT_EQ(r.data[0].items[1].items.size(), 3u);
}

TEST(ResponseParserTest, NestedListsOfDepthFifty) {
  std::string s = "* X ";
  for (int i = 0; i < 50; ++i) s += "(";
  s += "a";
  for (int i = 0; i < 50; ++i) s += ")";
  const auto r = one(s + "\r\n");
  const Value* v = &r.data[0];
  int depth = 0;
  while (v->isList() && !v->items.empty()) {
    v = &v->items[0];
    ++depth;
  }
  EXPECT_EQ(depth, 50);
  EXPECT_EQ(v->text, "a");
}

TEST(ResponseParserTest, TooDeepNestingIsAnErrorNotACrash) {
  ResponseParser p(ParserLimits{1 << 20, 1 << 20, 4 << 20, 10});
  std::string s = "* X " + std::string(11, '(') + std::string(11, ')') + "\r\nA1 OK done\r\n";
  p.feed(s);
  auto r = p.next();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.errorMessage().find("nested deeper"), std::string::npos);
  auto after = p.next();  // a malformed response is skipped; the stream goes on
  ASSERT_TRUE(after.ok());
  ASSERT_TRUE(after.value());
  EXPECT_EQ(after.value()->tag, "A1");
}

TEST(ResponseParserTest, LiteralSpanningFeedChunks) {
  const std::string body(100000, 'x');
  const std::string wire = "* 1 FETCH (UID 1 BODY[] {100000}\r\n" + body + ")\r\nA9 OK Fetch done\r\n";
  ResponseParser p;
  std::vector<Response> got;
  for (std::size_t i = 0; i < wire.size(); i += 777) {
    p.feed(std::string_view(wire).substr(i, 777));
    for (;;) {
      auto r = p.next();
      ASSERT_TRUE(r.ok()) << r.errorMessage();
      if (!r.value()) break;
      got.push_back(std::move(*r.value()));
    }
  }
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].data[0].items[3].text, body);
  EXPECT_EQ(got[1].tag, "A9");
}

TEST(ResponseParserTest, ByteByByteFeedGivesTheSameResult) {
  const std::string wire = "* 4 FETCH (FLAGS (\\Seen $Foo) BODY[HEADER] {5}\r\nab\r\nc)\r\n+ go\r\nA1 OK x\r\n";
  ResponseParser p;
  std::vector<Response> got;
  for (char c : wire) {
    p.feed(std::string_view(&c, 1));
    auto r = p.next();
    ASSERT_TRUE(r.ok());
    if (r.value()) got.push_back(std::move(*r.value()));
  }
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].data[0].items[3].text, "ab\r\nc");
  EXPECT_EQ(got[1].kind, Response::Kind::Continuation);
}

TEST(ResponseParserTest, HugeLiteralLengthIsRefusedBeforeAnyAllocation) {
  ResponseParser p;
  p.feed("* 1 FETCH (BODY[] {99999999999999999999999999999}\r\nabc");
  auto r = p.next();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.errorMessage().find("exceeds the limit"), std::string::npos);
  EXPECT_TRUE(p.failed());
  p.feed("A1 OK\r\n");
  EXPECT_FALSE(p.next().ok());  // fatal: the stream cannot be resynchronised
}

TEST(ResponseParserTest, LiteralJustOverTheConfiguredLimitIsRefused) {
  ParserLimits limits;
  limits.maxLiteralBytes = 1000;
  ResponseParser p(limits);
  p.feed("* 1 FETCH (BODY[] {1001}\r\n");
  EXPECT_FALSE(p.next().ok());
  ResponseParser q(limits);
  q.feed("* 1 FETCH (BODY[] {1000}\r\n");
  auto r = q.next();
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r.value());  // waiting for the bytes
}

TEST(ResponseParserTest, OverlongLineIsFatal) {
  ParserLimits limits;
  limits.maxLineBytes = 64;
  ResponseParser p(limits);
  p.feed("* SEARCH " + std::string(100, '1'));
  EXPECT_FALSE(p.next().ok());
}

TEST(ResponseParserTest, MalformedInputsAreErrors) {
  const char* bad[] = {
      "* \r\n",                      // no name
      "*X\r\n",                      // no space
      "A1 MAYBE fine\r\n",           // not OK/NO/BAD
      "* LIST (a \"b\r\n",           // unterminated quoted
      "* LIST (a b\r\n",             // unterminated list
      "* X a)\r\n",                  // stray ')'
      "* X {5}x\r\n",                // literal marker mid-line
      " A1 OK\r\n",                  // missing tag
      "* 99999999999 EXISTS\r\n",    // number out of range
      "* X \x01\r\n",                // control byte
  };
  for (const char* s : bad) {
    ResponseParser p;
    p.feed(s);
    auto r = p.next();
    EXPECT_FALSE(r.ok()) << s;
  }
}

TEST(ResponseParserTest, BareLineFeedIsAccepted) {
  EXPECT_EQ(one("* 3 RECENT\n").name, "RECENT");
}

TEST(ResponseParserTest, ManySmallResponsesInOneChunk) {
  std::string wire;
  for (int i = 1; i <= 5000; ++i) wire += "* " + std::to_string(i) + " EXPUNGE\r\n";
  EXPECT_EQ(parseAll(wire).size(), 5000u);
}

}  // namespace
}  // namespace mg::imap
