#include "ctl/ApiJson.h"

#include <gtest/gtest.h>

namespace mg::ctl {
namespace {

const char* kPage = R"({"items":[
  {"id":42,"source":"smtp","account_id":null,"status":"held","message_id":"<a@b>","from":"alice@example.org",
   "to":["bob@example.net","carol@example.net"],"subject":"Quarterly report","received_at":"2024-05-01T12:00:00Z",
   "size":2048,"has_attachments":true},
  {"id":41,"source":"imap","account_id":3,"status":"held","message_id":"<c@d>","from":"x@y","to":"z@w",
   "subject":null,"received_at":"2024-05-01T11:00:00.250Z","size":10,"has_attachments":false}],
  "next":"41"})";

TEST(ApiJsonTest, ParsesAPageOfMessages) {
  auto page = ApiJson::parsePage(kPage);
  ASSERT_TRUE(page.ok()) << page.errorMessage();
  ASSERT_EQ(page->items.size(), 2u);
  const auto& m = page->items[0];
  EXPECT_EQ(m.id, 42);
  EXPECT_EQ(m.source, "smtp");
  EXPECT_EQ(m.from, "alice@example.org");
  EXPECT_EQ(m.to, (std::vector<std::string>{"bob@example.net", "carol@example.net"}));
  EXPECT_EQ(m.subject, "Quarterly report");
  ASSERT_TRUE(m.receivedAtMillis);
  EXPECT_EQ(*m.receivedAtMillis, 1714564800000);
  EXPECT_EQ(m.size, 2048);
  EXPECT_TRUE(m.hasAttachments);
  EXPECT_NE(m.json.find("\"id\":42"), std::string::npos);
  EXPECT_EQ(m.json.find('\n'), std::string::npos);
  EXPECT_EQ(page->items[1].to, (std::vector<std::string>{"z@w"}));
  EXPECT_EQ(page->items[1].subject, "");
  EXPECT_EQ(*page->items[1].receivedAtMillis, 1714561200250);
  ASSERT_TRUE(page->next);
  EXPECT_EQ(*page->next, "41");
}

TEST(ApiJsonTest, NullNextEndsPaging) {
  auto page = ApiJson::parsePage(R"({"items":[],"next":null})");
  ASSERT_TRUE(page.ok());
  EXPECT_FALSE(page->next);
  auto numeric = ApiJson::parsePage(R"({"items":[],"next":17})");
  EXPECT_EQ(*numeric->next, "17");
}

TEST(ApiJsonTest, WhatIsNotAPageIsAnError) {
  EXPECT_FALSE(ApiJson::parsePage("not json").ok());
  EXPECT_FALSE(ApiJson::parsePage(R"({"messages":[]})").ok());
  EXPECT_FALSE(ApiJson::parsePage(R"([1])").ok());
}

TEST(ApiJsonTest, ParsesADetailedMessage) {
  auto d = ApiJson::parseDetail(R"({"id":7,"status":"release_failed","source":"smtp","from":"a@b","subject":"s",
    "received_at":"2024-05-01T12:00:00Z","size":100,"has_attachments":true,
    "headers":[["From","A <a@b>"],["Subject","s"],["X-Spam","no"]],
    "envelope":{"mail_from":"bounce@b","rcpt_to":["c@d","e@f"]},
    "text":"hello\n","html_present":true,
    "attachments":[{"filename":"r.pdf","content_type":"application/pdf","size":5000}],
    "versions":[{"n":1},{"n":2}],"failure_reason":"554 5.7.1 relay denied"})");
  ASSERT_TRUE(d.ok()) << d.errorMessage();
  EXPECT_EQ(d->summary.id, 7);
  ASSERT_EQ(d->headers.size(), 3u);
  EXPECT_EQ(d->headers[0], (std::pair<std::string, std::string>{"From", "A <a@b>"}));
  EXPECT_EQ(d->mailFrom, "bounce@b");
  EXPECT_EQ(d->rcptTo, (std::vector<std::string>{"c@d", "e@f"}));
  EXPECT_EQ(d->text, "hello\n");
  EXPECT_TRUE(d->htmlPresent);
  ASSERT_EQ(d->attachments.size(), 1u);
  EXPECT_EQ(d->attachments[0].filename, "r.pdf");
  EXPECT_EQ(d->attachments[0].size, 5000);
  EXPECT_EQ(d->versions, 2);
  EXPECT_EQ(d->failureReason, "554 5.7.1 relay denied");
}

TEST(ApiJsonTest, ParsesHealthChecksAsStringsOrObjects) {
  auto h = ApiJson::parseHealth(R"({"status":"degraded","checks":{"store":"ok","upstream":{"status":"failed","detail":"primary: connection refused"}}})");
  ASSERT_TRUE(h.ok()) << h.errorMessage();
  EXPECT_EQ(h->status, "degraded");
  ASSERT_EQ(h->checks.size(), 2u);
  EXPECT_EQ(h->checks[0], (std::pair<std::string, std::string>{"store", "ok"}));
  EXPECT_EQ(h->checks[1], (std::pair<std::string, std::string>{"upstream", "failed: primary: connection refused"}));
}

TEST(ApiJsonTest, SmtpHealthKeepsTheContractOrder) {
  auto f = ApiJson::parseFlat(R"({"uptime_seconds":3600,"status":"ok","message_count":5,"extra":true})");
  ASSERT_TRUE(f.ok());
  ASSERT_EQ(f->size(), 4u);
  EXPECT_EQ((*f)[0].first, "status");
  EXPECT_EQ((*f)[1], (std::pair<std::string, std::string>{"uptime_seconds", "3600"}));
  EXPECT_EQ((*f)[3], (std::pair<std::string, std::string>{"extra", "true"}));
}

TEST(ApiJsonTest, ReleaseAndTokenAnswers) {
  auto r = ApiJson::parseRelease(R"({"id":42,"status":"released","already_released":true})");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->alreadyReleased);
  EXPECT_FALSE(ApiJson::parseRelease(R"({"id":42,"status":"released","already_released":false})")->alreadyReleased);
  auto t = ApiJson::parseCreatedToken(R"({"id":1,"name":"ci","role":"admin","token":"mg_abc"})");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t, "mg_abc");
  EXPECT_FALSE(ApiJson::parseCreatedToken(R"({"id":1})").ok());
}

TEST(ApiJsonTest, RequestBodiesAreEscapedJson) {
  EXPECT_EQ(ApiJson::releaseBody({}), "{}");
  EXPECT_EQ(ApiJson::releaseBody({"a@b", "c@d"}), R"({"to":["a@b","c@d"]})");
  EXPECT_EQ(ApiJson::tokenBody("ci", "admin"), R"({"name":"ci","role":"admin"})");
  EXPECT_EQ(ApiJson::userBody("al", "p\"w\\", "reviewer"), R"({"username":"al","password":"p\"w\\","role":"reviewer"})");
}

TEST(ApiJsonTest, TimestampsWithOffsetsAndBadOnes) {
  EXPECT_EQ(*ApiJson::parseTimestamp("2024-05-01T14:00:00+02:00"), 1714564800000);
  EXPECT_FALSE(ApiJson::parseTimestamp("yesterday"));
  EXPECT_FALSE(ApiJson::parseTimestamp(""));
}

}  // namespace
}  // namespace mg::ctl
