// parseMessageFile reads a message from its spool file (after the envelope header) and must
// say exactly what parseMessage says of the same bytes in memory.
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "TempDir.h"
#include "TestMessages.h"
#include "mime/Limits.h"
#include "mime/MessageParser.h"

namespace mg::mime {
namespace {

using test::crlf;

std::string writeWithHeader(mg::test::TempDir& dir, const std::string& header, const std::string& raw) {
  const std::string path = dir.file("message.msg");
  std::ofstream(path, std::ios::binary | std::ios::trunc) << header << raw;
  return path;
}

void expectSame(const MessageSummary& a, const MessageSummary& b) {
  EXPECT_EQ(a.messageId, b.messageId);
  EXPECT_EQ(a.from, b.from);
  EXPECT_EQ(a.to, b.to);
  EXPECT_EQ(a.cc, b.cc);
  EXPECT_EQ(a.subject, b.subject);
  EXPECT_EQ(a.date, b.date);
  EXPECT_EQ(a.headers, b.headers);
  EXPECT_EQ(a.text, b.text);
  EXPECT_EQ(a.textTruncated, b.textTruncated);
  EXPECT_EQ(a.htmlPresent, b.htmlPresent);
  ASSERT_EQ(a.attachments.size(), b.attachments.size());
  for (size_t i = 0; i < a.attachments.size(); ++i) {
    EXPECT_EQ(a.attachments[i].filename, b.attachments[i].filename);
    EXPECT_EQ(a.attachments[i].contentType, b.attachments[i].contentType);
    EXPECT_EQ(a.attachments[i].size, b.attachments[i].size);
  }
  EXPECT_EQ(a.limitNotes, b.limitNotes);
  EXPECT_EQ(a.hiddenParts, b.hiddenParts);
}

TEST(MessageFileTest, AFileSaysWhatTheSameBytesInMemorySay) {
  const std::vector<std::string> messages = {
      crlf(test::kPlain),          crlf(test::kAlternative), test::mixedWithAttachment(),
      crlf(test::kEncodedHeaders), crlf(test::kQuotedPrintableLatin1), crlf(test::kEightBitUtf8),
      crlf(test::kHtmlOnly),
      "no header here, only words\r\nand a second line\r\n",  // header-less: all of it is body
  };
  mg::test::TempDir dir;
  const std::string header = "MGSPOOL 1\nfrom a@b\nrcpt c@d\n\n";
  for (const auto& raw : messages) {
    const auto inMemory = parseMessage(raw);
    const auto fromFile = parseMessageFile(writeWithHeader(dir, header, raw), header.size());
    ASSERT_EQ(inMemory.ok(), fromFile.ok()) << raw.substr(0, 60);
    if (inMemory.ok()) expectSame(inMemory.value(), fromFile.value());
  }
}

TEST(MessageFileTest, ALimitHitReadsTheSameAsInMemory) {
  // Over kMaxHeaderFieldBytes: the limit scan rewrites what GMime sees.
  const std::string raw = "Subject: " + std::string(kMaxHeaderFieldBytes + 100, 'x') + "\r\nFrom: a@b\r\n\r\nbody\r\n";
  mg::test::TempDir dir;
  const auto inMemory = parseMessage(raw);
  const auto fromFile = parseMessageFile(writeWithHeader(dir, "H\n\n", raw), 3);
  ASSERT_TRUE(inMemory.ok() && fromFile.ok()) << fromFile.errorMessage();
  EXPECT_FALSE(fromFile->limitNotes.empty());
  expectSame(inMemory.value(), fromFile.value());
}

TEST(MessageFileTest, AHugeTextBodyIsShownCutAndADecodedAttachmentIsSizedWhole) {
  std::string body;
  const std::string line(76, 't');
  while (body.size() < 3 * kMaxTextBytes) body += line + "\r\n";
  std::string attachment;
  const std::string b64line(76, 'Q');  // "QQQQ" decodes to 3 bytes per 4
  for (int i = 0; i < 20000; ++i) attachment += b64line + "\r\n";
  const std::string raw =
      "From: a@b\r\nSubject: big\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
      "--b\r\nContent-Type: text/plain\r\n\r\n" + body +
      "--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"a.bin\"\r\n"
      "Content-Transfer-Encoding: base64\r\n\r\n" + attachment + "--b--\r\n";
  mg::test::TempDir dir;
  const auto parsed = parseMessageFile(writeWithHeader(dir, "", raw), 0);
  ASSERT_TRUE(parsed.ok()) << parsed.errorMessage();
  EXPECT_TRUE(parsed->textTruncated);
  EXPECT_EQ(parsed->text.size(), kMaxTextBytes);
  ASSERT_EQ(parsed->attachments.size(), 1u);
  EXPECT_EQ(parsed->attachments[0].filename, "a.bin");
  EXPECT_EQ(parsed->attachments[0].size, 20000u * 57u);
  expectSame(parseMessage(raw).value(), parsed.value());
}

TEST(MessageFileTest, ATextCutInsideAMultiByteCharacterKeepsItsCharset) {
  // Shift_JIS "日本" is 93 FA 96 7B; one ASCII byte per line puts the cut inside a character.
  std::string line = "a";
  for (int i = 0; i < 38; ++i) line += "\x93\xFA\x96\x7B";
  std::string body;
  while (body.size() < 3 * kMaxTextBytes) body += line + "\r\n";
  const std::string raw = "From: a@b\r\nSubject: sjis\r\nMIME-Version: 1.0\r\n"
                          "Content-Type: text/plain; charset=Shift_JIS\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + body;
  mg::test::TempDir dir;
  const auto parsed = parseMessageFile(writeWithHeader(dir, "", raw), 0);
  ASSERT_TRUE(parsed.ok()) << parsed.errorMessage();
  EXPECT_TRUE(parsed->textTruncated);
  // Read as Shift_JIS, not as windows-1252 mojibake ("a\u201c\u00fa...").
  EXPECT_EQ(parsed->text.substr(0, 7), "a\xE6\x97\xA5\xE6\x9C\xAC");
  EXPECT_EQ(parsed->text.find("\xEF\xBF\xBD"), std::string::npos);  // no U+FFFD
}

TEST(MessageFileTest, AMissingOrShortFileIsAnErrorNotACrash) {
  mg::test::TempDir dir;
  EXPECT_FALSE(parseMessageFile(dir.file("nothing.msg"), 0).ok());
  const std::string path = writeWithHeader(dir, "MGSPOOL 1\n", "");
  EXPECT_FALSE(parseMessageFile(path, 100).ok());  // the offset is past the end
  EXPECT_FALSE(parseMessageFile(path, 10).ok());   // nothing after the header: empty
}

}  // namespace
}  // namespace mg::mime
