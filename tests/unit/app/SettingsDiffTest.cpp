#include "app/SettingsDiff.h"

#include <gtest/gtest.h>

#include "common/SettingsLoader.h"

using mg::app::diffSettings;
using mg::common::loadSettingsFromText;

namespace {
const char* kBase = R"(
[smtp]
listen = 127.0.0.1:2525
default_action = hold
[upstream.primary]
host = smtp.example.net
[upstream.backup]
host = backup.example.net
priority = 20
[limits]
release_per_minute = 10
[log]
level = information
)";
}  // namespace

TEST(SettingsDiffTest, SameFileChangesNothing) {
  const auto a = loadSettingsFromText(kBase);
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(diffSettings(a.settings, a.settings).empty());
}

TEST(SettingsDiffTest, LiveKeysAndRestartKeysAreToldApart) {
  const auto a = loadSettingsFromText(kBase);
  std::string text = kBase;
  const auto replace = [&text](const std::string& from, const std::string& to) {
    text.replace(text.find(from), from.size(), to);
  };
  replace("default_action = hold", "default_action = pass");
  replace("listen = 127.0.0.1:2525", "listen = 127.0.0.1:2526");
  replace("host = backup.example.net", "host = backup2.example.net");
  replace("release_per_minute = 10", "release_per_minute = 3");
  replace("level = information", "level = debug");
  text += "[upstream.third]\nhost = third.example.net\n";
  const auto b = loadSettingsFromText(text);
  ASSERT_TRUE(b.ok());
  const auto d = diffSettings(a.settings, b.settings);
  EXPECT_EQ(d.live, (std::vector<std::string>{"smtp.default_action", "upstream.backup", "upstream.third",
                                              "limits.release_per_minute", "log.level"}));
  EXPECT_EQ(d.needsRestart, std::vector<std::string>{"smtp.listen"});
}

TEST(SettingsDiffTest, ARemovedUpstreamIsAChange) {
  const auto a = loadSettingsFromText(kBase);
  std::string text = kBase;
  const std::string backup = "[upstream.backup]\nhost = backup.example.net\npriority = 20\n";
  text.erase(text.find(backup), backup.size());
  const auto b = loadSettingsFromText(text);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(diffSettings(a.settings, b.settings).live, std::vector<std::string>{"upstream.backup"});
}
