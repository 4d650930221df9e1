#include "mime/MessageParser.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "TestMessages.h"
#include "mime/Limits.h"

namespace mg::mime {
namespace {

using test::crlf;

TEST(MessageParserTest, PlainTextMessageGivesHeadersAndBody) {
  auto parsed = parseMessage(crlf(test::kPlain));
  ASSERT_TRUE(parsed.ok()) << parsed.errorMessage();
  EXPECT_EQ(parsed->messageId, "20240604101500.1234@example.org");
  EXPECT_EQ(parsed->from, "Alice Example <alice@example.org>");
  EXPECT_EQ(parsed->to, "Bob <bob@example.net>, carol@example.net");
  EXPECT_EQ(parsed->cc, "dave@example.com");
  EXPECT_EQ(parsed->subject, "Quarterly numbers");
  EXPECT_EQ(parsed->date, "Tue, 04 Jun 2024 10:15:00 +0200");
  EXPECT_EQ(parsed->text, "Hi Bob,\n\nthe numbers are attached.\nAlice\n");
  EXPECT_FALSE(parsed->htmlPresent);
  EXPECT_FALSE(parsed->hasAttachments());
}

TEST(MessageParserTest, HeadersKeepWireOrderAndAreDecoded) {
  auto parsed = parseMessage(crlf(test::kEncodedHeaders));
  ASSERT_TRUE(parsed.ok()) << parsed.errorMessage();
  ASSERT_EQ(parsed->headers.size(), 4u);
  EXPECT_EQ(parsed->headers[0].first, "From");
  EXPECT_EQ(parsed->headers[0].second, "Andr\xc3\xa9 M\xc3\xbcller <andre@example.org>");
  EXPECT_EQ(parsed->headers[2].first, "Subject");
  EXPECT_EQ(parsed->headers[3], (std::pair<std::string, std::string>("Message-ID", "<enc-1@example.org>")));
}

TEST(MessageParserTest, FoldedHeaderIsUnfolded) {
  auto parsed = parseMessage(crlf("Subject: a long\n subject line\nX-Tag: one\n\tand two\n\nbody\n"));
  ASSERT_TRUE(parsed.ok()) << parsed.errorMessage();
  EXPECT_EQ(parsed->subject, "a long subject line");
  ASSERT_EQ(parsed->headers.size(), 2u);
  EXPECT_EQ(parsed->headers[1].second, "one\tand two");
}

TEST(MessageParserTest, MultipartAlternativeReportsHtmlAndPlainText) {
  auto parsed = parseMessage(crlf(test::kAlternative));
  ASSERT_TRUE(parsed.ok()) << parsed.errorMessage();
  EXPECT_EQ(parsed->text, "Plain version.");
  EXPECT_TRUE(parsed->htmlPresent);
  EXPECT_FALSE(parsed->hasAttachments());
}

TEST(MessageParserTest, Base64AttachmentHasNameTypeAndDecodedSize) {
  auto parsed = parseMessage(crlf(test::mixedWithAttachment()));
  ASSERT_TRUE(parsed.ok()) << parsed.errorMessage();
  EXPECT_EQ(parsed->text, "See the attached report.");
  ASSERT_TRUE(parsed->hasAttachments());
  ASSERT_EQ(parsed->attachments.size(), 1u);
  EXPECT_EQ(parsed->attachments[0].filename, "report.pdf");
  EXPECT_EQ(parsed->attachments[0].contentType, "application/pdf");
  EXPECT_EQ(parsed->attachments[0].size, test::attachmentBytes().size());
}

TEST(MessageParserTest, Rfc2231FilenameAndInlineImageAreAttachments) {
  const std::string raw = crlf(
      "Subject: x\nMIME-Version: 1.0\nContent-Type: multipart/related; boundary=R\n\n"
      "--R\nContent-Type: text/plain\n\nhello\n"
      "--R\nContent-Type: image/PNG\nContent-ID: <img1>\nContent-Transfer-Encoding: base64\n\nAAEC\n"
      "--R\nContent-Type: application/octet-stream\n"
      "Content-Disposition: attachment; filename*=utf-8''r%C3%A9sum%C3%A9.txt\n\nabc\n"
      "--R--\n");
  auto parsed = parseMessage(raw);
  ASSERT_TRUE(parsed.ok()) << parsed.errorMessage();
  ASSERT_EQ(parsed->attachments.size(), 2u);
  EXPECT_EQ(parsed->attachments[0].contentType, "image/png");
  EXPECT_EQ(parsed->attachments[0].filename, "");
  EXPECT_EQ(parsed->attachments[0].size, 3u);
  EXPECT_EQ(parsed->attachments[1].filename, "r\xc3\xa9sum\xc3\xa9.txt");
}

TEST(MessageParserTest, ForwardedMessageIsAnAttachmentNotTheBody) {
  const std::string raw = crlf(
      "Subject: Fwd\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=F\n\n"
      "--F\nContent-Type: message/rfc822\n\nSubject: inner\n\ninner body\n"
      "--F--\n");
  auto parsed = parseMessage(raw);
  ASSERT_TRUE(parsed.ok()) << parsed.errorMessage();
  EXPECT_EQ(parsed->text, "");
  ASSERT_EQ(parsed->attachments.size(), 1u);
  EXPECT_EQ(parsed->attachments[0].contentType, "message/rfc822");
  EXPECT_GT(parsed->attachments[0].size, 0u);
}

TEST(MessageParserTest, EncodedWordsInSubjectAndFromAreDecoded) {
  auto parsed = parseMessage(crlf(test::kEncodedHeaders));
  ASSERT_TRUE(parsed.ok()) << parsed.errorMessage();
  // ISO-8859-1 Q-encoding in From, UTF-8 B-encoding in To, both charsets in Subject.
  EXPECT_EQ(parsed->from, "Andr\xc3\xa9 M\xc3\xbcller <andre@example.org>");
  EXPECT_EQ(parsed->to, "J\xc3\xbcrgen <juergen@example.net>");
  EXPECT_EQ(parsed->subject, "Gr\xc3\xbc\xc3\x9f" "e aus K\xc3\xb6ln \xc3\xa0 bient\xc3\xb4t");
}

TEST(MessageParserTest, QuotedPrintableLatin1BodyBecomesUtf8) {
  auto parsed = parseMessage(crlf(test::kQuotedPrintableLatin1));
  ASSERT_TRUE(parsed.ok()) << parsed.errorMessage();
  EXPECT_EQ(parsed->text, "Gr\xc3\xbc\xc3\x9f" "e aus K\xc3\xb6ln, soft break.\n");
}

TEST(MessageParserTest, EightBitUtf8BodyIsKept) {
  auto parsed = parseMessage(crlf(test::kEightBitUtf8));
  ASSERT_TRUE(parsed.ok()) << parsed.errorMessage();
  EXPECT_EQ(parsed->text, "Gr\xc3\xbc\xc3\x9f" "e \xe2\x82\xac 5\n");
}

TEST(MessageParserTest, UndeclaredEightBitBodyIsReadAsWindows1252) {
  auto parsed = parseMessage(crlf("Subject: caf\xe9\n\nprice \x80 5, caf\xe9\n"));
  ASSERT_TRUE(parsed.ok()) << parsed.errorMessage();
  EXPECT_EQ(parsed->text, "price \xe2\x82\xac 5, caf\xc3\xa9\n");
  EXPECT_EQ(parsed->subject, "caf\xc3\xa9");
}

TEST(MessageParserTest, LfOnlyMessageParsesLikeCrlf) {
  auto lf = parseMessage(test::kPlain);
  auto wire = parseMessage(crlf(test::kPlain));
  ASSERT_TRUE(lf.ok() && wire.ok());
  EXPECT_EQ(lf->text, wire->text);
  EXPECT_EQ(lf->subject, wire->subject);
}

TEST(MessageParserTest, MissingClosingBoundaryStillFindsParts) {
  std::string raw = crlf(test::mixedWithAttachment());
  raw.erase(raw.rfind("--MIX--"));
  auto parsed = parseMessage(raw);
  ASSERT_TRUE(parsed.ok()) << parsed.errorMessage();
  EXPECT_EQ(parsed->text, "See the attached report.");
  ASSERT_EQ(parsed->attachments.size(), 1u);
  EXPECT_EQ(parsed->attachments[0].size, test::attachmentBytes().size());
}

TEST(MessageParserTest, MissingBoundaryParameterGivesSummary) {
  auto parsed = parseMessage(crlf("Subject: s\nContent-Type: multipart/mixed\n\n--X\n\nhi\n--X--\n"));
  ASSERT_TRUE(parsed.ok()) << parsed.errorMessage();
  EXPECT_EQ(parsed->subject, "s");
}

TEST(MessageParserTest, GarbageHeadersGiveBestEffortSummary) {
  auto parsed = parseMessage(crlf(
      "Subject: still found\nthis is not a header\n: no name\nFrom: <<<@@@>>>\n"
      "Content-Type: ;;;=\nMessage-ID: no-brackets\n\nbody\n"));
  ASSERT_TRUE(parsed.ok()) << parsed.errorMessage();
  EXPECT_EQ(parsed->subject, "still found");
  EXPECT_FALSE(parsed->headers.empty());
}

TEST(MessageParserTest, MboxFromLineIsSkipped) {
  auto parsed = parseMessage(crlf("From alice@example.org Mon Jan  1 00:00:00 2024\nSubject: x\n\nbody\n"));
  ASSERT_TRUE(parsed.ok()) << parsed.errorMessage();
  EXPECT_EQ(parsed->subject, "x");
  EXPECT_EQ(parsed->text, "body\n");
}

TEST(MessageParserTest, HeaderlessInputBecomesTheBody) {
  // What a reviewer needs to judge junk is the junk itself.
  auto parsed = parseMessage(crlf("this is not a header\nSubject: x\n\nbody\n"));
  ASSERT_TRUE(parsed.ok()) << parsed.errorMessage();
  EXPECT_TRUE(parsed->headers.empty());
  EXPECT_EQ(parsed->subject, "");
  EXPECT_EQ(parsed->text, "this is not a header\nSubject: x\n\nbody\n");
}

TEST(MessageParserTest, EmptyInputIsAnError) {
  auto parsed = parseMessage("");
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.errorMessage().find("empty"), std::string::npos);
}

TEST(MessageParserTest, BinaryJunkDoesNotCrash) {
  std::string junk;
  for (int i = 0; i < 4096; ++i) junk += static_cast<char>((i * 131 + 17) % 256);
  auto parsed = parseMessage(junk);
  if (parsed.ok()) {
    EXPECT_FALSE(parsed->hasAttachments());
  } else {
    EXPECT_FALSE(parsed.errorMessage().empty());
  }
  // NULs in the header block: parsed (never refused for them), nothing made up from them.
  auto nul = parseMessage(std::string("\0\0\0\r\n\r\n\0", 8));
  ASSERT_TRUE(nul.ok()) << nul.errorMessage();
  EXPECT_EQ(nul->subject, "");
  EXPECT_EQ(nul->from, "");
  EXPECT_FALSE(nul->hasAttachments());
}

TEST(MessageParserTest, OversizedInputIsRefused) {
  const std::string huge(kMaxMessageBytes + 1, 'a');
  auto parsed = parseMessage(huge);
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.errorMessage().find("too large"), std::string::npos);
}

TEST(MessageParserTest, DeeplyNestedMultipartDoesNotCrash) {
  std::string raw = "Subject: deep\r\n";
  for (int i = 0; i < 2000; ++i) {
    raw += "Content-Type: multipart/mixed; boundary=b" + std::to_string(i) + "\r\n\r\n--b" + std::to_string(i) + "\r\n";
  }
  raw += "Content-Type: text/plain\r\n\r\ndeep text\r\n";
  auto parsed = parseMessage(raw);
  ASSERT_TRUE(parsed.ok()) << parsed.errorMessage();
  EXPECT_EQ(parsed->subject, "deep");
}

TEST(MessageParserTest, ParsesConcurrentlyFromSeveralThreads) {
  const std::vector<std::string> inputs = {crlf(test::kPlain), crlf(test::kAlternative),
                                           crlf(test::mixedWithAttachment()), crlf(test::kEncodedHeaders),
                                           crlf(test::kQuotedPrintableLatin1)};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&inputs, &failures] {
      for (int round = 0; round < 50; ++round) {
        for (const auto& raw : inputs) {
          auto parsed = parseMessage(raw);
          if (!parsed.ok() || parsed->subject.empty()) ++failures;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST(MessageParserTest, HtmlPartIsDecodedOnlyWhenAskedFor) {
  const std::string raw = crlf(
      "From: a@example.org\nSubject: html\nMIME-Version: 1.0\n"
      "Content-Type: multipart/alternative; boundary=\"B\"\n\n"
      "--B\nContent-Type: text/plain\n\nplain\n"
      "--B\nContent-Type: text/html; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\n"
      "<p>Gr=FC=DFe</p>\n"
      "--B\nContent-Type: text/html\n\n<p>second</p>\n"
      "--B--\n");
  auto without = parseMessage(raw);
  ASSERT_TRUE(without.ok()) << without.errorMessage();
  EXPECT_TRUE(without->htmlPresent);
  EXPECT_TRUE(without->html.empty());
  auto with = parseMessage(raw, true);
  ASSERT_TRUE(with.ok()) << with.errorMessage();
  EXPECT_EQ(with->html, "<p>Gr\xc3\xbc\xc3\x9f" "e</p>");  // the first HTML part, in UTF-8 (the CRLF before a boundary is the boundary's)
  EXPECT_FALSE(with->htmlTruncated);
  EXPECT_EQ(with->text, "plain");
}

TEST(MessageParserTest, HugeHtmlPartIsCutAtTheTextLimit) {
  const std::string raw = crlf("From: a@example.org\nContent-Type: text/html\n\n") +
                          std::string(kMaxTextBytes + 4096, 'h') + "\r\n";
  auto parsed = parseMessage(raw, true);
  ASSERT_TRUE(parsed.ok()) << parsed.errorMessage();
  ASSERT_TRUE(parsed->htmlPresent);
  EXPECT_EQ(parsed->html.size(), kMaxTextBytes);
  EXPECT_TRUE(parsed->htmlTruncated);
}

}  // namespace
}  // namespace mg::mime
