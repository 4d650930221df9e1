#include "ctl/ArgumentParser.h"

#include <gtest/gtest.h>

namespace mg::ctl {
namespace {

common::Result<Invocation> parse(std::vector<std::string> args) { return ArgumentParser::parse(args); }

void expectUsageError(std::vector<std::string> args, const std::string& fragment) {
  auto r = ArgumentParser::parse(args);
  ASSERT_FALSE(r.ok()) << "accepted: " << ::testing::PrintToString(args);
  EXPECT_NE(r.errorMessage().find(fragment), std::string::npos) << r.errorMessage();
}

TEST(ArgumentParserTest, StatusUsesTheDefaultConfig) {
  auto r = parse({"status"});
  ASSERT_TRUE(r.ok()) << r.errorMessage();
  EXPECT_EQ(r->verb, Verb::Status);
  EXPECT_EQ(r->global.configPath, "/etc/mailgate/mailgate.ini");
  EXPECT_FALSE(r->global.url);
  EXPECT_FALSE(r->global.tokenFile);
}

TEST(ArgumentParserTest, GlobalOptionsBeforeOrAfterTheCommandInBothSpellings) {
  auto r = parse({"--config", "/x.ini", "held", "--url=http://127.0.0.1:8080", "--token-file", "/t"});
  ASSERT_TRUE(r.ok()) << r.errorMessage();
  EXPECT_EQ(r->verb, Verb::Held);
  EXPECT_EQ(r->global.configPath, "/x.ini");
  EXPECT_EQ(*r->global.url, "http://127.0.0.1:8080");
  EXPECT_EQ(*r->global.tokenFile, "/t");
  EXPECT_FALSE(r->json);
}

TEST(ArgumentParserTest, HeldJson) {
  auto r = parse({"held", "--json"});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->json);
}

TEST(ArgumentParserTest, ShowTakesOneNumericId) {
  auto r = parse({"show", "42"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->verb, Verb::Show);
  EXPECT_EQ(r->id, 42);
  expectUsageError({"show"}, "'show' needs a message ID");
  expectUsageError({"show", "4x"}, "'4x' is not a message id");
  expectUsageError({"show", "0"}, "'0' is not a message id");
  expectUsageError({"show", "-3"}, "unknown option '-3'");
  expectUsageError({"show", "1", "2"}, "unexpected argument '2' for 'show'");
}

TEST(ArgumentParserTest, ReleaseWithoutAndWithRecipients) {
  auto plain = parse({"release", "7"});
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->verb, Verb::Release);
  EXPECT_TRUE(plain->to.empty());

  auto r = parse({"release", "7", "--to", "a@x.org", "b@y.org", "--to=c@z.org,d@z.org"});
  ASSERT_TRUE(r.ok()) << r.errorMessage();
  EXPECT_EQ(r->to, (std::vector<std::string>{"a@x.org", "b@y.org", "c@z.org", "d@z.org"}));
}

TEST(ArgumentParserTest, ReleaseIdAfterRecipientsIsStillTheId) {
  auto r = parse({"release", "--to", "a@x.org", "9"});
  ASSERT_TRUE(r.ok()) << r.errorMessage();
  EXPECT_EQ(r->id, 9);
  EXPECT_EQ(r->to, (std::vector<std::string>{"a@x.org"}));
}

TEST(ArgumentParserTest, ReleaseRejectsWhatIsNotAnAddress) {
  expectUsageError({"release", "7", "--to", "bob"}, "--to: 'bob' is not a mail address");
  expectUsageError({"release", "7", "--to"}, "--to needs a value");
  expectUsageError({"release", "7", "--to="}, "--to needs a value");
}

TEST(ArgumentParserTest, Discard) {
  auto r = parse({"discard", "12"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->verb, Verb::Discard);
  EXPECT_EQ(r->id, 12);
  expectUsageError({"discard", "12", "--to", "a@b.c"}, "--to does not apply to 'discard'");
}

TEST(ArgumentParserTest, TokenCreate) {
  auto r = parse({"token", "create", "ci-bot", "--role", "reviewer"});
  ASSERT_TRUE(r.ok()) << r.errorMessage();
  EXPECT_EQ(r->verb, Verb::TokenCreate);
  EXPECT_EQ(r->name, "ci-bot");
  EXPECT_EQ(r->role, "reviewer");
  expectUsageError({"token", "create", "ci"}, "'token create' needs --role admin|reviewer");
  expectUsageError({"token", "create", "--role", "admin"}, "'token create' needs a token NAME");
  expectUsageError({"token", "create", "ci", "--role", "root"}, "--role must be admin or reviewer, not 'root'");
  expectUsageError({"token", "create", "ci bot", "--role", "admin"}, "not a usable name");
  expectUsageError({"token"}, "'token' needs a subcommand");
  expectUsageError({"token", "list"}, "unknown command 'token list'");
  expectUsageError({"token", "create", "ci", "--role", "admin", "--password-file", "f"},
                   "--password-file does not apply to 'token create'");
}

TEST(ArgumentParserTest, UserAdd) {
  auto r = parse({"user", "add", "alice", "--role=admin", "--password-file", "/run/pw"});
  ASSERT_TRUE(r.ok()) << r.errorMessage();
  EXPECT_EQ(r->verb, Verb::UserAdd);
  EXPECT_EQ(r->name, "alice");
  EXPECT_EQ(r->role, "admin");
  EXPECT_EQ(*r->passwordFile, "/run/pw");
  auto noFile = parse({"user", "add", "bob", "--role", "reviewer"});
  ASSERT_TRUE(noFile.ok());
  EXPECT_FALSE(noFile->passwordFile);
  expectUsageError({"user", "add", "bob"}, "'user add' needs --role");
  expectUsageError({"user", "add", "bob", "--role", "admin", "--role", "reviewer"}, "--role given twice");
  expectUsageError({"user", "rename", "bob"}, "unknown command 'user rename'");
  expectUsageError({"user", "add", "b:b", "--role", "admin"}, "'b:b' is not a usable name (1-64 letters, digits or . _ - @)");
  EXPECT_TRUE(parse({"token", "create", "ci:nightly", "--role", "admin"}).ok());
}

TEST(ArgumentParserTest, HelpAndVersionWinEvenOnABrokenLine) {
  EXPECT_EQ(parse({"--help"})->verb, Verb::Help);
  EXPECT_EQ(parse({"release", "--help"})->verb, Verb::Help);
  EXPECT_EQ(parse({"-h"})->verb, Verb::Help);
  EXPECT_EQ(parse({"--version"})->verb, Verb::Version);
  EXPECT_EQ(parse({"bogus", "--version"})->verb, Verb::Version);
}

TEST(ArgumentParserTest, BadUsage) {
  expectUsageError({}, "no command given");
  expectUsageError({"frobnicate"}, "unknown command 'frobnicate'");
  expectUsageError({"held", "--verbose"}, "unknown option '--verbose'");
  expectUsageError({"held", "extra"}, "unexpected argument 'extra' for 'held'");
  expectUsageError({"held", "--json=yes"}, "--json takes no value");
  expectUsageError({"status", "--config"}, "--config needs a value");
  expectUsageError({"status", "--json"}, "--json does not apply to 'status'");
}

TEST(ArgumentParserTest, DoubleDashEndsOptions) {
  auto r = parse({"user", "add", "--role", "admin", "--", "alice"});
  ASSERT_TRUE(r.ok()) << r.errorMessage();
  EXPECT_EQ(r->name, "alice");
}

TEST(ArgumentParserTest, UsageListsOnlyImplementedCommands) {
  const std::string u = ArgumentParser::usage();
  for (const char* cmd : {"status", "held", "show ID", "release ID", "discard ID", "undiscard ID", "token create",
                          "user add", "user passwd", "user remove", "account add", "account list", "account test",
                          "account remove", "backup now", "backup list", "restore FILE", "spool import PATH",
                          "audit verify", "audit export", "retention --dry-run"})
    EXPECT_NE(u.find(cmd), std::string::npos) << cmd;
}

TEST(ArgumentParserTest, UpkeepCommands) {
  EXPECT_EQ(parse({"undiscard", "7"})->id, 7);
  expectUsageError({"undiscard"}, "'undiscard' needs a message ID");
  EXPECT_EQ(parse({"user", "passwd", "bob", "--password-file", "/p"})->verb, Verb::UserPasswd);
  EXPECT_EQ(parse({"user", "remove", "bob"})->name, "bob");
  EXPECT_EQ(parse({"backup", "now"})->verb, Verb::BackupNow);
  EXPECT_TRUE(parse({"backup", "list", "--json"})->json);
  expectUsageError({"backup"}, "'backup' needs a subcommand");
  expectUsageError({"backup", "now", "extra"}, "unexpected argument 'extra' for 'backup now'");
  EXPECT_EQ(parse({"restore", "/media/b.tar.gz"})->path, "/media/b.tar.gz");
  expectUsageError({"restore"}, "'restore' needs a backup FILE");
  EXPECT_EQ(parse({"spool", "import", "/srv/eml"})->path, "/srv/eml");
  EXPECT_TRUE(parse({"retention", "--dry-run"})->dryRun);
  expectUsageError({"held", "--dry-run"}, "--dry-run does not apply to 'held'");
}

TEST(ArgumentParserTest, AuditExportTakesTimesAndReleaseToTakesAddresses) {
  auto r = parse({"audit", "export", "--from", "2026-12-01", "--to", "2026-12-02T12:30"});
  ASSERT_TRUE(r.ok()) << r.errorMessage();
  EXPECT_EQ(*r->since, 1796083200000LL);
  EXPECT_EQ(*r->until, 1796214600000LL);
  EXPECT_EQ(*parse({"audit", "export", "--from", "1700000000000"})->since, 1700000000000LL);
  expectUsageError({"audit", "export", "--from", "yesterday"},
                   "--from: 'yesterday' is not a time (YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS] UTC, or ms)");
  expectUsageError({"audit", "export", "--to", "2026-13-01"},
                   "--to: '2026-13-01' is not a time (YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS] UTC, or ms)");
  // For release, --to is still a list of addresses, checked as before.
  expectUsageError({"release", "5", "--to", "2026-12-01"}, "--to: '2026-12-01' is not a mail address");
  EXPECT_EQ(parse({"release", "5", "--to", "a@x.org,b@y.org"})->to.size(), 2u);
}

}  // namespace
}  // namespace mg::ctl
