#include "led/SysfsLed.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "../TempDir.h"

using mg::led::SysfsLed;
namespace fs = std::filesystem;

namespace {
std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::string s;
  std::getline(in, s);
  return s;
}
void write(const fs::path& p, const std::string& s) { std::ofstream(p) << s << "\n"; }
}  // namespace

TEST(SysfsLedTest, TakesTheLedAndWritesMaxBrightnessForOn) {
  mg::test::TempDir dir;
  const fs::path led = fs::path(dir.path()) / "ACT";
  fs::create_directories(led);
  write(led / "trigger", "[mmc0] none heartbeat");
  write(led / "max_brightness", "255");
  write(led / "brightness", "255");
  SysfsLed l(dir.path(), "ACT");
  ASSERT_TRUE(l.open().ok());
  EXPECT_EQ(read(led / "trigger"), "none");
  EXPECT_EQ(read(led / "brightness"), "0");
  ASSERT_TRUE(l.set(true));
  EXPECT_EQ(read(led / "brightness"), "255");
  ASSERT_TRUE(l.set(false));
  EXPECT_EQ(read(led / "brightness"), "0");
}

TEST(SysfsLedTest, AMissingLedIsOneLineNamingTheOnesThatExist) {
  mg::test::TempDir dir;
  fs::create_directories(fs::path(dir.path()) / "led0");
  write(fs::path(dir.path()) / "led0" / "brightness", "0");
  SysfsLed l(dir.path(), "led1");
  const auto st = l.open();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.message(), "health.led 'led1': no such LED in " + dir.path() +
                              " (there are: led0); set [health] led to one of them, or to none");
  EXPECT_FALSE(SysfsLed(dir.path(), "../led0").open().ok()) << "a name is a name, not a path";
}
