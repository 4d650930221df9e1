#include "relay/TraceHeader.h"

#include <gtest/gtest.h>

namespace mg::relay {
namespace {

constexpr int64_t kAt = 1796166831000;  // Tue, 01 Dec 2026 23:13:51 UTC

TEST(TraceHeaderTest, NamesHeloAddressProtocolIdRecipientAndDate) {
  const quarantine::TraceInfo t{"client.lan", "192.0.2.7", "ESMTPSA", kAt};
  EXPECT_EQ(receivedHeader(t, "gate.example", 42, {"bob@example.org"}),
            "Received: from client.lan ([192.0.2.7])\r\n\tby gate.example (mailgate) with ESMTPSA id 42\r\n"
            "\tfor <bob@example.org>; Tue, 01 Dec 2026 23:13:51 +0000\r\n");
}

TEST(TraceHeaderTest, NoForClauseWithSeveralRecipients) {
  const quarantine::TraceInfo t{"c", "::1", "ESMTP", kAt};
  const std::string h = receivedHeader(t, "gate", 7, {"a@x", "b@x"});
  EXPECT_EQ(h.find("for <"), std::string::npos);
  EXPECT_NE(h.find("from c ([IPv6:::1])"), std::string::npos) << h;
}

TEST(TraceHeaderTest, HostileHeloCannotBreakTheHeader) {
  const quarantine::TraceInfo t{"evil\r\nBcc: x@y (z) " + std::string(200, 'a'), "192.0.2.7", "ESMTP", kAt};
  const std::string h = receivedHeader(t, "gate", 1, {"a@x"});
  // Exactly the three lines of the header, each ending in CRLF, the folds starting with a tab.
  size_t lines = 0;
  for (size_t p = h.find("\r\n"); p != std::string::npos; p = h.find("\r\n", p + 2)) {
    ++lines;
    if (p + 2 < h.size()) {
      EXPECT_EQ(h[p + 2], '\t');
    }
  }
  EXPECT_EQ(lines, 3u);
  EXPECT_EQ(h.find("Bcc: "), std::string::npos);
  EXPECT_EQ(h.find('\n'), h.find("\r\n") + 1);
}

TEST(TraceHeaderTest, DateIsRfc5322InUtc) { EXPECT_EQ(rfc5322Date(0), "Thu, 01 Jan 1970 00:00:00 +0000"); }

}  // namespace
}  // namespace mg::relay
