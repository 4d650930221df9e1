// `mailgatectl account add|list|test|remove` on the command line (ArgumentParser).
#include <gtest/gtest.h>

#include "ctl/ArgumentParser.h"

namespace mg::ctl {
namespace {

common::Result<Invocation> parse(std::vector<std::string> args) { return ArgumentParser::parse(args); }

void expectUsageError(std::vector<std::string> args, const std::string& fragment) {
  auto r = ArgumentParser::parse(args);
  ASSERT_FALSE(r.ok()) << "accepted: " << ::testing::PrintToString(args);
  EXPECT_NE(r.errorMessage().find(fragment), std::string::npos) << r.errorMessage();
}

TEST(AccountArgumentsTest, AddWithEveryOption) {
  auto r = parse({"account", "add", "work", "--host", "imap.example.org", "--port=1993", "--tls", "starttls", "--user",
                  "alice@example.org", "--password-file", "/run/pw", "--folder", "Held", "--intercept", "all"});
  ASSERT_TRUE(r.ok()) << r.errorMessage();
  EXPECT_EQ(r->verb, Verb::AccountAdd);
  EXPECT_EQ(r->name, "work");
  EXPECT_EQ(r->host, "imap.example.org");
  EXPECT_EQ(r->port, 1993);
  EXPECT_EQ(r->tls, "starttls");
  EXPECT_EQ(r->user, "alice@example.org");
  EXPECT_EQ(*r->passwordFile, "/run/pw");
  EXPECT_EQ(r->folder, "Held");
  EXPECT_EQ(r->intercept, "all");
}

TEST(AccountArgumentsTest, AddLeavesDefaultsToTheDaemon) {
  auto r = parse({"account", "add", "home", "--host", "imap.example.net", "--user", "bob"});
  ASSERT_TRUE(r.ok()) << r.errorMessage();
  EXPECT_FALSE(r->port);
  EXPECT_EQ(r->tls, "");
  EXPECT_EQ(r->folder, "");
  EXPECT_EQ(r->intercept, "");
  EXPECT_FALSE(r->passwordFile);
}

TEST(AccountArgumentsTest, AddRefusesWhatTheDaemonWouldRefuse) {
  expectUsageError({"account", "add", "--host", "h", "--user", "u"}, "'account add' needs an account NAME");
  expectUsageError({"account", "add", "w", "--user", "u"}, "needs --host");
  expectUsageError({"account", "add", "w", "--host", "h"}, "needs --user");
  expectUsageError({"account", "add", "w", "--host", "h", "--user", "u", "--port", "0"},
                   "--port must be a number from 1 to 65535");
  expectUsageError({"account", "add", "w", "--host", "h", "--user", "u", "--port", "65536"}, "--port must be");
  expectUsageError({"account", "add", "w", "--host", "h", "--user", "u", "--port", "99x"}, "--port must be");
  expectUsageError({"account", "add", "w", "--host", "h", "--user", "u", "--tls", "ssl"},
                   "--tls must be implicit, starttls or none, not 'ssl'");
  expectUsageError({"account", "add", "w", "--host", "h", "--user", "u", "--intercept", "some"},
                   "--intercept must be all, rules or off");
  expectUsageError({"account", "add", std::string(65, 'n'), "--host", "h", "--user", "u"}, "1-64 characters");
  expectUsageError({"account", "add", "w", "--host", "h", "--user", "u", "--role", "admin"},
                   "--role does not apply to 'account add'");
  expectUsageError({"account", "add", "w", "x", "--host", "h", "--user", "u"}, "unexpected argument 'x'");
}

TEST(AccountArgumentsTest, ListTestAndRemove) {
  auto list = parse({"account", "list", "--json"});
  ASSERT_TRUE(list.ok()) << list.errorMessage();
  EXPECT_EQ(list->verb, Verb::AccountList);
  EXPECT_TRUE(list->json);
  EXPECT_FALSE(parse({"account", "list"})->json);

  auto test = parse({"account", "test", "7"});
  ASSERT_TRUE(test.ok()) << test.errorMessage();
  EXPECT_EQ(test->verb, Verb::AccountTest);
  EXPECT_EQ(test->id, 7);
  EXPECT_EQ(test->name, "");

  auto byName = parse({"account", "remove", "work"});
  ASSERT_TRUE(byName.ok()) << byName.errorMessage();
  EXPECT_EQ(byName->verb, Verb::AccountRemove);
  EXPECT_EQ(byName->id, 0);
  EXPECT_EQ(byName->name, "work");

  expectUsageError({"account", "test"}, "'account test' needs an account ID or NAME");
  expectUsageError({"account", "remove", "0"}, "'0' is not an account id");
  expectUsageError({"account", "list", "x"}, "unexpected argument 'x' for 'account list'");
  expectUsageError({"account", "test", "1", "--json"}, "--json does not apply to 'account test'");
  expectUsageError({"account"}, "'account' needs a subcommand");
  expectUsageError({"account", "edit", "1"}, "unknown command 'account edit'");
}

TEST(AccountArgumentsTest, HelpDescribesTheAccountCommands) {
  const std::string u = ArgumentParser::usage();
  for (const char* text : {"account add NAME --host H", "--intercept all|rules|off", "account list [--json]",
                           "account test ID|NAME", "account remove ID|NAME"})
    EXPECT_NE(u.find(text), std::string::npos) << text;
}

}  // namespace
}  // namespace mg::ctl
