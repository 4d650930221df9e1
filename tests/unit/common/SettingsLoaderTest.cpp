#include "common/SettingsLoader.h"

#include <gtest/gtest.h>

using mg::common::loadSettingsFromText;

namespace {
bool hasProblemFor(const mg::common::LoadedSettings& l, const std::string& key) {
  for (const auto& p : l.problems) if (p.key == key) return true;
  return false;
}
}  // namespace

TEST(SettingsLoaderTest, EmptyFileGivesContractDefaults) {
  auto l = loadSettingsFromText("");
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l.settings.smtp.listen.port, 587);
  EXPECT_EQ(l.settings.smtp.maxMessageBytes, 26214400u);
  EXPECT_EQ(l.settings.smtp.defaultAction, "hold");
  EXPECT_EQ(l.settings.web.listen.port, 8443);
  EXPECT_EQ(l.settings.storage.dataDir, "/var/lib/mailgate");
  EXPECT_EQ(l.settings.backup.maxTotalBytes, 67108864u);
}

TEST(SettingsLoaderTest, ParsesValuesWithInlineComments) {
  auto l = loadSettingsFromText(
      "[smtp]\nlisten = 127.0.0.1:2525   ; the port\nmax_recipients = 3\nrequire_auth = false\n"
      "[upstream.b]\nhost = b.example\npriority = 20\n[upstream.a]\nhost = a.example\nport=25\ntls = none\npriority = 5\n");
  ASSERT_TRUE(l.ok()) << l.problems.front().toString();
  EXPECT_EQ(l.settings.smtp.listen.host, "127.0.0.1");
  EXPECT_EQ(l.settings.smtp.listen.port, 2525);
  EXPECT_EQ(l.settings.smtp.maxRecipients, 3u);
  ASSERT_EQ(l.settings.upstreams.size(), 2u);
  EXPECT_EQ(l.settings.upstreams[0].name, "a");  // lower priority number first
  EXPECT_EQ(l.settings.upstreams[0].port, 25);
  EXPECT_EQ(l.settings.upstreams[1].name, "b");
}

TEST(SettingsLoaderTest, ReportsEveryProblemByKeyName) {
  auto l = loadSettingsFromText("[smtp]\nlisten = nope\nmax_recipients = -1\nbogus = 1\ndefault_action = maybe\n[nosuch]\nx=1\n");
  EXPECT_TRUE(hasProblemFor(l, "smtp.listen"));
  EXPECT_TRUE(hasProblemFor(l, "smtp.max_recipients"));
  EXPECT_TRUE(hasProblemFor(l, "smtp.bogus"));
  EXPECT_TRUE(hasProblemFor(l, "smtp.default_action"));
  EXPECT_TRUE(hasProblemFor(l, "nosuch.x"));
  EXPECT_EQ(l.problems.size(), 5u);
}

TEST(SettingsLoaderTest, UnreadablePasswordFileIsReported) {
  auto l = loadSettingsFromText("[upstream.p]\npassword_file = /nonexistent/secret\n");
  EXPECT_TRUE(hasProblemFor(l, "upstream.p.password_file"));
}

TEST(SettingsLoaderTest, PlainWebOnlyOnLoopback) {
  EXPECT_FALSE(loadSettingsFromText("[web]\nlisten = 0.0.0.0:8080\ntls = none\n").ok());
  EXPECT_TRUE(loadSettingsFromText("[web]\nlisten = 127.0.0.1:8080\ntls = none\n").ok());
}

TEST(SettingsLoaderTest, SyntaxErrorsNameTheLine) {
  auto l = loadSettingsFromText("[smtp\nlisten\n");
  ASSERT_EQ(l.problems.size(), 2u);
  EXPECT_EQ(l.problems[0].key, "line 1");
  EXPECT_EQ(l.problems[1].key, "line 2");
}
