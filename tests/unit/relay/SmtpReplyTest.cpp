#include "relay/SmtpReply.h"

#include <gtest/gtest.h>

using mg::relay::parseEhloKeywords;
using mg::relay::ReplyParser;
using mg::relay::SmtpReply;
using Step = ReplyParser::Step;

TEST(SmtpReplyTest, SingleLine) {
  ReplyParser p;
  ASSERT_EQ(p.feed("250 2.0.0 Ok: queued as 4F2A"), Step::Done);
  EXPECT_EQ(p.reply().code, 250);
  EXPECT_EQ(p.reply().kind(), 2);
  EXPECT_EQ(p.reply().text(), "250 2.0.0 Ok: queued as 4F2A");
}

TEST(SmtpReplyTest, MultiLineUntilSpaceSeparator) {
  ReplyParser p;
  EXPECT_EQ(p.feed("550-5.1.1 The email account that you tried to reach"), Step::NeedMore);
  EXPECT_EQ(p.feed("550-5.1.1 does not exist."), Step::NeedMore);
  ASSERT_EQ(p.feed("550 5.1.1 Please check it."), Step::Done);
  EXPECT_EQ(p.reply().lines.size(), 3u);
  EXPECT_EQ(p.reply().text(),
            "550 5.1.1 The email account that you tried to reach 5.1.1 does not exist. 5.1.1 Please check it.");
}

TEST(SmtpReplyTest, BareCodeEndsReply) {
  ReplyParser p;
  ASSERT_EQ(p.feed("250"), Step::Done);
  EXPECT_EQ(p.reply().text(), "250");
}

TEST(SmtpReplyTest, MalformedReplies) {
  for (const char* bad : {"", "25", "abc hello", "2x0 ok", "150 too low", "600 too high", "250:ok", "250_ok"}) {
    ReplyParser p;
    EXPECT_EQ(p.feed(bad), Step::Malformed) << bad;
    EXPECT_FALSE(p.error().empty()) << bad;
  }
}

TEST(SmtpReplyTest, CodeChangeInsideMultiLineIsMalformed) {
  ReplyParser p;
  EXPECT_EQ(p.feed("250-first"), Step::NeedMore);
  EXPECT_EQ(p.feed("550 second"), Step::Malformed);
}

TEST(SmtpReplyTest, EndlessMultiLineIsCut) {
  ReplyParser p;
  Step s = Step::NeedMore;
  for (std::size_t i = 0; i <= ReplyParser::kMaxLines && s == Step::NeedMore; ++i) s = p.feed("250-more");
  EXPECT_EQ(s, Step::Malformed);
}

TEST(SmtpReplyTest, TextIsSanitised) {
  ReplyParser p;
  ASSERT_EQ(p.feed(std::string("550 bad\x1b[31m\x07 text")), Step::Done);
  EXPECT_EQ(p.reply().text(), "550 bad?[31m? text");
}

TEST(SmtpReplyTest, ResetStartsOver) {
  ReplyParser p;
  EXPECT_EQ(p.feed("250-a"), Step::NeedMore);
  p.reset();
  ASSERT_EQ(p.feed("354 go"), Step::Done);
  EXPECT_EQ(p.reply().code, 354);
  EXPECT_EQ(p.reply().lines.size(), 1u);
}

TEST(SmtpReplyTest, EhloKeywords) {
  SmtpReply r;
  r.code = 250;
  r.lines = {"mx.example.net Hello", "PIPELINING", "size 10240000", "AUTH PLAIN LOGIN", "AUTH=CRAM-MD5",
             "8BITMIME", "STARTTLS", "ENHANCEDSTATUSCODES"};
  const auto kw = parseEhloKeywords(r);
  EXPECT_EQ(kw.count("MX.EXAMPLE.NET"), 0u);  // the greeting line is not a keyword
  EXPECT_EQ(kw.at("SIZE"), "10240000");
  EXPECT_EQ(kw.at("AUTH"), "PLAIN LOGIN CRAM-MD5");
  EXPECT_EQ(kw.at("8BITMIME"), "");
  EXPECT_EQ(kw.count("STARTTLS"), 1u);
}
