#include "mime/MessageEditor.h"

#include <gtest/gtest.h>

#include <string>

#include "TestMessages.h"
#include "common/Text.h"
#include "mime/MessageParser.h"

namespace mg::mime {
namespace {

using test::crlf;

bool hasBareLf(const std::string& s) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r')) return true;
  }
  return false;
}

TEST(MessageEditorTest, EditSubjectAndTextKeepsAttachmentBytes) {
  const std::string original = crlf(test::mixedWithAttachment());
  const std::string before = original;
  auto edited = editMessage(original, std::string("Report (reviewed)"), std::string("Please see the report.\n"));
  ASSERT_TRUE(edited.ok()) << edited.errorMessage();
  EXPECT_EQ(original, before);  // the caller's bytes are never modified

  // The attachment's encoded lines travel unchanged, byte for byte.
  EXPECT_NE(edited->find(crlf(test::kAttachmentBase64)), std::string::npos);
  auto parsed = parseMessage(*edited);
  ASSERT_TRUE(parsed.ok()) << parsed.errorMessage();
  EXPECT_EQ(parsed->subject, "Report (reviewed)");
  EXPECT_EQ(parsed->text, "Please see the report.\n");
  ASSERT_EQ(parsed->attachments.size(), 1u);
  EXPECT_EQ(parsed->attachments[0].filename, "report.pdf");
  EXPECT_EQ(parsed->attachments[0].size, test::attachmentBytes().size());
  EXPECT_EQ(parsed->messageId, "mixed-1@example.org");
}

TEST(MessageEditorTest, OutputUsesCrlfEvenForLfInput) {
  auto edited = editMessage(test::mixedWithAttachment(), std::string("S"), std::string("line one\nline two\n"));
  ASSERT_TRUE(edited.ok()) << edited.errorMessage();
  EXPECT_FALSE(hasBareLf(*edited));
  EXPECT_EQ(edited->find("\r\r"), std::string::npos);
  EXPECT_NE(edited->find("line one\r\nline two\r\n"), std::string::npos);
}

TEST(MessageEditorTest, OtherHeadersAreKeptInOrder) {
  const std::string original = crlf(test::kPlain);
  auto edited = editMessage(original, std::string("New subject"), std::nullopt);
  ASSERT_TRUE(edited.ok()) << edited.errorMessage();
  auto before = parseMessage(original);
  auto after = parseMessage(*edited);
  ASSERT_TRUE(before.ok() && after.ok());
  ASSERT_EQ(before->headers.size(), after->headers.size());
  for (size_t i = 0; i < before->headers.size(); ++i) {
    EXPECT_EQ(before->headers[i].first, after->headers[i].first);
    if (before->headers[i].first != "Subject") {
      EXPECT_EQ(before->headers[i].second, after->headers[i].second);
    }
  }
  EXPECT_EQ(after->subject, "New subject");
  EXPECT_EQ(after->text, before->text);  // subject-only edit leaves the body alone
}

TEST(MessageEditorTest, NonAsciiSubjectIsRfc2047Encoded) {
  auto edited = editMessage(crlf(test::kPlain), std::string("Gr\xc3\xbc\xc3\x9f" "e \xe2\x82\xac"), std::nullopt);
  ASSERT_TRUE(edited.ok()) << edited.errorMessage();
  const std::string headers = edited->substr(0, edited->find("\r\n\r\n"));
  for (const char c : headers) ASSERT_LT(static_cast<unsigned char>(c), 0x80u) << "raw 8-bit in headers";
  EXPECT_NE(common::toLower(headers).find("=?utf-8?"), std::string::npos);
  auto parsed = parseMessage(*edited);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->subject, "Gr\xc3\xbc\xc3\x9f" "e \xe2\x82\xac");
}

TEST(MessageEditorTest, ALongNonAsciiSubjectReadsBackWhole) {
  // Long enough for several encoded-words: GMime's own B-encoding of it read back only the
  // first word (found by the MIME fuzz target's parse → edit → parse property).
  std::string subject = "hello ";
  for (int i = 0; i < 80; ++i) subject += "\xc3\x87";  // Ç
  subject += " \xf0\x9f\x93\xa7 end";                // a 4-byte character too
  auto edited = editMessage(crlf(test::kPlain), subject, std::nullopt);
  ASSERT_TRUE(edited.ok()) << edited.errorMessage();
  auto parsed = parseMessage(*edited);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->subject, subject);
  const std::string headers = edited->substr(0, edited->find("\r\n\r\n"));
  size_t at = 0;
  while ((at = headers.find("=?", at)) != std::string::npos) {  // every word within RFC 2047's 75
    const size_t end = headers.find("?=", at + 10);
    ASSERT_NE(end, std::string::npos);
    EXPECT_LE(end + 2 - at, 75u) << headers;
    at = end + 2;
  }
}

TEST(MessageEditorTest, ASubjectThatLooksLikeAnEncodedWordStaysLiteral) {
  auto edited = editMessage(crlf(test::kPlain), std::string("price =?x?= 5_ ok"), std::nullopt);
  ASSERT_TRUE(edited.ok()) << edited.errorMessage();
  auto parsed = parseMessage(*edited);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->subject, "price =?x?= 5_ ok");
}

TEST(MessageEditorTest, AHeaderBlockWithoutALineBreakGetsOneBeforeTheNewSubject) {
  auto edited = editMessage("From: a@example.org", std::string("new"), std::nullopt);  // no CRLF at all
  ASSERT_TRUE(edited.ok()) << edited.errorMessage();
  auto parsed = parseMessage(*edited);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->subject, "new");
  EXPECT_EQ(parsed->from, "a@example.org");
}

TEST(MessageEditorTest, SubjectWithNewlinesCannotInjectHeaders) {
  auto edited = editMessage(crlf(test::kPlain), std::string("hi\r\nBcc: victim@example.com"), std::nullopt);
  ASSERT_TRUE(edited.ok()) << edited.errorMessage();
  EXPECT_EQ(edited->find("\r\nBcc:"), std::string::npos);
  auto parsed = parseMessage(*edited);
  ASSERT_TRUE(parsed.ok());
  for (const auto& [name, value] : parsed->headers) EXPECT_NE(name, "Bcc");
}

TEST(MessageEditorTest, NonAsciiTextIsQuotedPrintableUtf8) {
  auto edited = editMessage(crlf(test::kQuotedPrintableLatin1), std::nullopt, std::string("K\xc3\xb6ln \xe2\x82\xac\n"));
  ASSERT_TRUE(edited.ok()) << edited.errorMessage();
  EXPECT_NE(edited->find("charset=utf-8"), std::string::npos);
  EXPECT_NE(edited->find("Content-Transfer-Encoding: quoted-printable"), std::string::npos);
  for (const char c : *edited) ASSERT_LT(static_cast<unsigned char>(c), 0x80u) << "output must be 7-bit clean";
  auto parsed = parseMessage(*edited);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->text, "K\xc3\xb6ln \xe2\x82\xac\n");
  EXPECT_EQ(parsed->subject, "QP");
}

TEST(MessageEditorTest, AsciiTextReplacingEightBitBodyIsSevenBit) {
  auto edited = editMessage(crlf(test::kEightBitUtf8), std::nullopt, std::string("plain ascii\r\n"));
  ASSERT_TRUE(edited.ok()) << edited.errorMessage();
  EXPECT_NE(edited->find("Content-Transfer-Encoding: 7bit"), std::string::npos);
  auto parsed = parseMessage(*edited);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->text, "plain ascii\n");
}

TEST(MessageEditorTest, FlowedFormatIsDroppedFromEditedPart) {
  const std::string raw = crlf(
      "Subject: f\nContent-Type: text/plain; charset=iso-8859-1; format=flowed; delsp=yes\n\nold text \nwraps\n");
  auto edited = editMessage(raw, std::nullopt, std::string("new text\n"));
  ASSERT_TRUE(edited.ok()) << edited.errorMessage();
  EXPECT_EQ(edited->find("format=flowed"), std::string::npos);
  EXPECT_EQ(edited->find("iso-8859-1"), std::string::npos);
}

TEST(MessageEditorTest, TextInAlternativeIsReplacedAndHtmlKept) {
  auto edited = editMessage(crlf(test::kAlternative), std::nullopt, std::string("New plain.\n"));
  ASSERT_TRUE(edited.ok()) << edited.errorMessage();
  auto parsed = parseMessage(*edited);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->text, "New plain.\n");
  EXPECT_TRUE(parsed->htmlPresent);
  EXPECT_NE(edited->find("<p>HTML version.</p>"), std::string::npos);
}

TEST(MessageEditorTest, TextEditWithoutPlainPartIsAnError) {
  auto edited = editMessage(crlf(test::kHtmlOnly), std::nullopt, std::string("x"));
  ASSERT_FALSE(edited.ok());
  EXPECT_NE(edited.errorMessage().find("text/plain"), std::string::npos);
  // A subject edit needs no text part.
  EXPECT_TRUE(editMessage(crlf(test::kHtmlOnly), std::string("ok"), std::nullopt).ok());
}

TEST(MessageEditorTest, EmptyOrHeaderlessInputIsAnError) {
  EXPECT_FALSE(editMessage("", std::string("s"), std::nullopt).ok());
  EXPECT_FALSE(editMessage("no header here\r\n\r\nbody\r\n", std::string("s"), std::nullopt).ok());
}

TEST(MessageEditorTest, TextEditOfNonMimeMessageAddsMimeVersion) {
  auto edited = editMessage(crlf("Subject: old\n\nold body\n"), std::nullopt, std::string("new body\n"));
  ASSERT_TRUE(edited.ok()) << edited.errorMessage();
  EXPECT_NE(edited->find("MIME-Version: 1.0\r\n"), std::string::npos);
  auto parsed = parseMessage(*edited);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->text, "new body\n");
}

}  // namespace
}  // namespace mg::mime
