// The accounts API's answers → `mailgatectl account …` output (AccountJson, AccountView).
#include <gtest/gtest.h>

#include <algorithm>

#include "ctl/AccountJson.h"
#include "ctl/AccountView.h"

namespace mg::ctl {
namespace {

const char* kList =
    R"({"items":[{"id":3,"name":"work","host":"imap.example.org","port":993,"tls":"implicit",)"
    R"("username":"alice","quarantine_folder":"Quarantine","intercept":"rules","enabled":true,)"
    R"("last_test_ok_at":"2026-01-02T03:04:05Z","last_test_at":"2026-01-02T03:04:05Z"},)"
    R"({"id":4,"name":"evil\u001b[2Jname","host":"h","port":143,"tls":"none","username":"u",)"
    R"("quarantine_folder":"Q","intercept":"off","enabled":false,"last_test_ok_at":null,"last_test_at":null}]})";

TEST(AccountViewTest, ParsesTheList) {
  auto items = AccountJson::parseList(kList);
  ASSERT_TRUE(items.ok()) << items.errorMessage();
  ASSERT_EQ(items->size(), 2u);
  const auto& a = (*items)[0];
  EXPECT_EQ(a.id, 3);
  EXPECT_EQ(a.name, "work");
  EXPECT_EQ(a.port, 993);
  EXPECT_TRUE(a.enabled);
  EXPECT_EQ(a.lastTestAt, "2026-01-02T03:04:05Z");
  EXPECT_EQ((*items)[1].lastTestAt, "");
  EXPECT_FALSE(AccountJson::parseList("[]").ok());
  EXPECT_FALSE(AccountJson::parseList("not json").ok());
}

TEST(AccountViewTest, TableShowsEachAccountSafely) {
  auto items = AccountJson::parseList(kList);
  const std::string table = AccountView::formatList(*items, 100);
  EXPECT_NE(table.find("ID"), std::string::npos);
  EXPECT_NE(table.find("alice@imap.example.org:993"), std::string::npos) << table;
  EXPECT_NE(table.find("ok 2026-01-02 03:04"), std::string::npos) << table;
  EXPECT_NE(table.find("never"), std::string::npos) << table;
  EXPECT_EQ(table.find('\x1b'), std::string::npos) << "escape sequences from the daemon are neutralised";
  EXPECT_EQ(AccountView::formatList({}, 120), "no IMAP accounts\n");
  const std::string lines = AccountView::formatJsonLines(*items);
  EXPECT_EQ(std::count(lines.begin(), lines.end(), '\n'), 2);
  EXPECT_EQ(lines.find("password"), std::string::npos);
}

TEST(AccountViewTest, TestReportListsEveryStageWithTimeAndError) {
  auto r = AccountJson::parseTest(
      R"({"account_id":3,"ok":false,"stages":[{"name":"connect","ok":true,"ms":12},)"
      R"({"name":"tls","ok":true,"ms":40},{"name":"login","ok":false,"ms":85,"error":"NO [AUTHENTICATIONFAILED] bad"}]})");
  ASSERT_TRUE(r.ok()) << r.errorMessage();
  EXPECT_FALSE(r->ok);
  ASSERT_EQ(r->stages.size(), 3u);
  const std::string text = AccountView::formatTest("account 3 'work'", *r);
  EXPECT_NE(text.find("connect"), std::string::npos) << text;
  EXPECT_NE(text.find("12 ms"), std::string::npos) << text;
  EXPECT_NE(text.find("FAILED"), std::string::npos) << text;
  EXPECT_NE(text.find("NO [AUTHENTICATIONFAILED] bad"), std::string::npos) << text;
  EXPECT_NE(text.find("the test FAILED"), std::string::npos) << text;
  EXPECT_FALSE(AccountJson::parseTest(R"({"ok":true})").ok());
}

TEST(AccountViewTest, AddBodyCarriesOnlyWhatWasGiven) {
  Invocation inv;
  inv.name = "work";
  inv.host = "imap.example.org";
  inv.user = "alice";
  const std::string body = AccountJson::addBody(inv, "pw\"with quote");
  EXPECT_NE(body.find(R"("password":"pw\"with quote")"), std::string::npos) << body;
  EXPECT_EQ(body.find("\"port\""), std::string::npos) << body;
  EXPECT_EQ(body.find("\"tls\""), std::string::npos) << body;
  inv.port = 1993;
  inv.tls = "starttls";
  inv.intercept = "all";
  inv.folder = "Held";
  const std::string full = AccountJson::addBody(inv, "x");
  for (const char* k : {R"("port":1993)", R"("tls":"starttls")", R"("intercept":"all")",
                        R"("quarantine_folder":"Held")", R"("username":"alice")"})
    EXPECT_NE(full.find(k), std::string::npos) << k << " in " << full;
}

}  // namespace
}  // namespace mg::ctl
