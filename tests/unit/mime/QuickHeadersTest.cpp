#include "mime/QuickHeaders.h"

#include <gtest/gtest.h>

#include <string>

namespace mg::mime {
namespace {

TEST(QuickHeadersTest, ReadsTheListFieldsUnfoldedAndUndecoded) {
  const auto h = readQuickHeaders(
      "Received: x\r\nFrom: A <a@x.test>\r\nSubject: =?utf-8?q?gr=C3=BC=C3=9Fe?=\r\n and more\r\n"
      "Message-ID: <id@x.test>\r\nTo: b@y.test\r\nSubject: second is ignored\r\n\r\nSubject: body\r\n");
  EXPECT_EQ(h.from, "A <a@x.test>");
  EXPECT_EQ(h.to, "b@y.test");
  EXPECT_EQ(h.subject, "=?utf-8?q?gr=C3=BC=C3=9Fe?= and more");
  EXPECT_EQ(h.messageId, "id@x.test");
}

TEST(QuickHeadersTest, IsBoundedAndShowsNoControlBytes) {
  std::string raw = "Subject: a";
  raw += std::string("\0\x1b", 2);
  for (int i = 0; i < 10000; ++i) raw += "\r\n folded";
  const auto h = readQuickHeaders(raw + "\r\n\r\n");
  EXPECT_LE(h.subject.size(), kMaxQuickField);
  EXPECT_EQ(h.subject.substr(0, 3), "a??");
}

TEST(QuickHeadersTest, NoHeaderBlockGivesNothing) {
  const auto h = readQuickHeaders("\r\nSubject: body\r\n");
  EXPECT_EQ(h.subject, "");
}

}  // namespace
}  // namespace mg::mime
