// The content limits (mime/Limits.h) as a reviewer meets them: whatever a limit keeps from
// being parsed is reported, never silently missing, and hostile structure costs bounded work.
#include <gtest/gtest.h>

#include <string>

#include "mime/Limits.h"
#include "mime/MessageEditor.h"
#include "mime/MessageParser.h"

namespace mg::mime {
namespace {

bool anyNoteContains(const MessageSummary& s, const std::string& needle) {
  for (const auto& n : s.limitNotes) {
    if (n.find(needle) != std::string::npos) return true;
  }
  return false;
}

// `levels` multiparts nested in each other, the innermost holding evil.exe.
std::string nested(int levels) {
  std::string head = "From: a@x.test\r\nSubject: nest\r\nMIME-Version: 1.0\r\n";
  std::string body;
  for (int i = 0; i < levels; ++i) {
    body += "Content-Type: multipart/mixed; boundary=\"b" + std::to_string(i) + "\"\r\n\r\n--b" + std::to_string(i) + "\r\n";
  }
  body += "Content-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"evil.exe\"\r\n"
          "Content-Transfer-Encoding: base64\r\n\r\nTVqQAAMAAAAEAAAA\r\n";
  for (int i = levels - 1; i >= 0; --i) body += "--b" + std::to_string(i) + "--\r\n";
  return head + body;
}

TEST(ContentLimitsTest, AttachmentAtTheDepthLimitIsShown) {
  auto s = parseMessage(nested(static_cast<int>(kMaxPartDepth)));
  ASSERT_TRUE(s.ok()) << s.errorMessage();
  ASSERT_EQ(s->attachments.size(), 1u);
  EXPECT_EQ(s->attachments[0].filename, "evil.exe");
  EXPECT_TRUE(s->limitNotes.empty());
}

TEST(ContentLimitsTest, AttachmentBeyondTheDepthLimitIsReportedNotHidden) {
  auto s = parseMessage(nested(static_cast<int>(kMaxPartDepth) + 1));
  ASSERT_TRUE(s.ok()) << s.errorMessage();
  EXPECT_TRUE(s->attachments.empty());
  EXPECT_EQ(s->hiddenParts, 1u);
  EXPECT_TRUE(s->hasAttachments());  // it may be one: never "no attachments"
  EXPECT_TRUE(anyNoteContains(*s, "1 part nested deeper than 32 levels not shown")) << s->limitNotes.at(0);
}

TEST(ContentLimitsTest, DeepNestingCostsNoStackAndIsReported) {
  auto s = parseMessage(nested(20000));
  ASSERT_TRUE(s.ok()) << s.errorMessage();
  EXPECT_TRUE(s->hasAttachments());
  EXPECT_TRUE(anyNoteContains(*s, "nested deeper than 32 levels"));
}

TEST(ContentLimitsTest, PartsBeyondTheLimitAreCountedNotParsed) {
  std::string raw = "From: a@x.test\r\nSubject: many\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n";
  const size_t parts = 200000;
  raw.reserve(raw.size() + parts * 7);
  for (size_t i = 0; i < parts; ++i) raw += "--B\r\n\r\n";
  auto s = parseMessage(raw);
  ASSERT_TRUE(s.ok()) << s.errorMessage();
  EXPECT_EQ(s->hiddenParts, parts - kMaxParts);
  EXPECT_TRUE(s->hasAttachments());
  EXPECT_TRUE(anyNoteContains(*s, "only the first 1000 MIME parts are shown; 199000 more not shown"));
  EXPECT_EQ(s->subject, "many");
}

TEST(ContentLimitsTest, NulInAHeaderIsShownEscaped) {
  const std::string raw = std::string("From: a@x.test\r\nSubject: nul\0after\r\n\r\nbody\r\n", 42);
  auto s = parseMessage(raw);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->subject, "nul\\0after");
}

TEST(ContentLimitsTest, HeadersFullOfNulsAreEscapedAtTheCostOfTheirSize) {
  std::string raw = "From: a@x.test\r\nSubject: s\r\n";
  for (int i = 0; i < 500; ++i) raw += "X-Nul: " + std::string(4000, '\0') + "\r\n";  // 2 MB of NULs
  raw += "\r\nbody\r\n";
  auto s = parseMessage(raw);
  ASSERT_TRUE(s.ok());
  ASSERT_GE(s->headers.size(), 3u);
  EXPECT_EQ(s->headers[2].second.substr(0, 4), "\\0\\0");
  EXPECT_EQ(s->text, "body\n");
}

TEST(ContentLimitsTest, HugeFoldedSubjectIsCutAndSaidSo) {
  std::string raw = "From: a@x.test\r\nSubject: start";
  for (int i = 0; i < 100000; ++i) raw += "\r\n =?utf-8?q?w=C3=B6rd?=";
  raw += "\r\n\r\nbody\r\n";
  auto s = parseMessage(raw);
  ASSERT_TRUE(s.ok());
  EXPECT_LE(s->subject.size(), kMaxHeaderFieldBytes);
  EXPECT_EQ(s->subject.rfind("start", 0), 0u);
  EXPECT_TRUE(anyNoteContains(*s, "longer than 16384 bytes shown cut"));
  EXPECT_EQ(s->text, "body\n");
}

TEST(ContentLimitsTest, HeaderFieldsBeyondTheBlockLimitAreNotShown) {
  std::string raw = "From: a@x.test\r\nSubject: s\r\n";
  for (size_t i = 0; i < kMaxHeaderFields + 10; ++i) raw += "X-Junk: " + std::to_string(i) + "\r\n";
  raw += "\r\nbody\r\n";
  auto s = parseMessage(raw);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->headers.size(), kMaxHeaderFields);
  EXPECT_TRUE(anyNoteContains(*s, "12 header field(s) beyond the first 1000"));
  EXPECT_EQ(s->text, "body\n");  // the body is still where it was
}

TEST(ContentLimitsTest, LongTextIsCutWithAFlag) {
  std::string raw = "From: a@x.test\r\nSubject: long\r\n\r\n";
  const std::string line(998, 'x');
  while (raw.size() < kMaxTextBytes + 100000) raw += line + "\r\n";
  auto s = parseMessage(raw);
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->textTruncated);
  EXPECT_EQ(s->text.size(), kMaxTextBytes);
}

TEST(ContentLimitsTest, OrdinaryMailHitsNoLimit) {
  const std::string raw =
      "From: a@x.test\r\nSubject: hi\r\nContent-Type: multipart/mixed; boundary=\"xx\"\r\n\r\n--xx\r\n"
      "Content-Type: text/plain\r\n\r\nhello\r\n--xx\r\nContent-Type: application/pdf; name=a.pdf\r\n\r\n%PDF\r\n--xx--\r\n";
  auto s = parseMessage(raw);
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->limitNotes.empty());
  EXPECT_EQ(s->hiddenParts, 0u);
  EXPECT_FALSE(s->textTruncated);
  EXPECT_EQ(s->attachments.size(), 1u);
}

TEST(ContentLimitsTest, EditRefusesAMessageBeyondTheLimits) {
  auto edited = editMessage(nested(static_cast<int>(kMaxPartDepth) + 1), std::string("new"), std::nullopt);
  ASSERT_FALSE(edited.ok());
  EXPECT_NE(edited.errorMessage().find("not edited"), std::string::npos) << edited.errorMessage();
}

}  // namespace
}  // namespace mg::mime
