#include "ctl/MessageView.h"

#include <gtest/gtest.h>

#include "ctl/StatusView.h"

namespace mg::ctl {
namespace {

MessageDetail sample() {
  MessageDetail d;
  d.summary.id = 42;
  d.summary.status = "held";
  d.summary.source = "smtp";
  d.summary.messageId = "<abc@example.org>";
  d.summary.receivedAt = "2024-05-01T11:00:00Z";
  d.summary.receivedAtMillis = 1714561200000;
  d.summary.size = 12595;
  d.headers = {{"Received", "from x"}, {"subject", "Invoice"}, {"From", "Alice <alice@example.org>"},
               {"To", "bob@example.net"}};
  d.mailFrom = "bounce@example.org";
  d.rcptTo = {"bob@example.net", "audit@example.net"};
  d.text = "Please pay.\r\nThanks\x1b[0m";
  d.attachments = {{"invoice.pdf", "application/pdf", 4096}};
  return d;
}

TEST(MessageViewTest, ShowsWhatIsNeededToDecide) {
  const auto text = MessageView::format(sample(), 1714564800000);
  EXPECT_NE(text.find("Message 42 — held (smtp)"), std::string::npos) << text;
  EXPECT_NE(text.find("(1h ago)"), std::string::npos);
  EXPECT_NE(text.find("12.3 KiB"), std::string::npos);
  EXPECT_NE(text.find("  MAIL FROM:  bounce@example.org\n"), std::string::npos) << text;
  EXPECT_NE(text.find("bob@example.net, audit@example.net"), std::string::npos);
  EXPECT_NE(text.find("  From:       Alice <alice@example.org>\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  Subject:    Invoice\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("from x"), std::string::npos);  // only the summary headers
  EXPECT_NE(text.find("invoice.pdf  application/pdf  4.0 KiB"), std::string::npos);
  EXPECT_NE(text.find("----- text -----\nPlease pay.\nThanks?[0m\n"), std::string::npos) << text;
  // Summary headers come in a fixed order, From before Subject, whatever the message's order.
  EXPECT_LT(text.find("From:       Alice"), text.find("Subject:"));
}

TEST(MessageViewTest, FailureReasonHtmlAndEditedVersions) {
  auto d = sample();
  d.failureReason = "554 5.7.1 relay denied";
  d.htmlPresent = true;
  d.text.clear();
  d.versions = 2;
  const auto text = MessageView::format(d, 1714564800000);
  EXPECT_NE(text.find("Failed:       554 5.7.1 relay denied\n"), std::string::npos) << text;
  EXPECT_NE(text.find("an HTML part is present"), std::string::npos);
  EXPECT_NE(text.find("(no text part)"), std::string::npos);
  EXPECT_NE(text.find("2 versions (edited)"), std::string::npos);
}

TEST(StatusViewTest, HealthAndSmtpCounters) {
  HealthReport h{"degraded", {{"store", "ok"}, {"upstream", "failed: refused"}}};
  EXPECT_EQ(StatusView::formatHealth("https://127.0.0.1:8443", h),
            "mailgated at https://127.0.0.1:8443: degraded\n  store     ok\n  upstream  failed: refused\n");
  const auto smtp = StatusView::formatSmtp({{"status", "ok"}, {"uptime_seconds", "11520"}, {"last_message", ""}});
  EXPECT_EQ(smtp, "smtp\n  status         ok\n  uptime         3h 12m\n  last message   -\n");
}

}  // namespace
}  // namespace mg::ctl
