#include "crypto/DeviceKey.h"

#include "TempDir.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

namespace mg::crypto {
namespace {

mode_t modeOf(const std::filesystem::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0);
  return st.st_mode & 07777;
}

void writeFile(const std::filesystem::path& p, const std::string& bytes, mode_t mode) {
  std::ofstream(p, std::ios::binary) << bytes;
  ::chmod(p.c_str(), mode);
}

TEST(DeviceKeyTest, CreatesKeyFileWithMode0600) {
  test::TempDir dir;
  const mode_t old = ::umask(0);  // a permissive umask must not widen the key file
  auto key = DeviceKey::loadOrCreate(dir.path() / "data");
  ::umask(old);
  ASSERT_TRUE(key) << key.errorMessage();
  const auto file = dir.path() / "data" / DeviceKey::kFileName;
  EXPECT_EQ(modeOf(file), 0600u);
  EXPECT_EQ(std::filesystem::file_size(file), DeviceKey::kSize);
  // No temp files left behind.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path() / "data"), {}), 1);
}

TEST(DeviceKeyTest, SecondLoadReturnsTheSameKey) {
  test::TempDir dir;
  auto first = DeviceKey::loadOrCreate(dir.path());
  auto second = DeviceKey::loadOrCreate(dir.path());
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->bytes(), second->bytes());
}

TEST(DeviceKeyTest, TwoDataDirsGetDifferentKeys) {
  test::TempDir a, b;
  auto ka = DeviceKey::loadOrCreate(a.path());
  auto kb = DeviceKey::loadOrCreate(b.path());
  ASSERT_TRUE(ka && kb);
  EXPECT_NE(ka->bytes(), kb->bytes());
}

TEST(DeviceKeyTest, RefusesKeyReadableByOthersAndSaysHowToFix) {
  test::TempDir dir;
  writeFile(dir.path() / DeviceKey::kFileName, std::string(32, 'k'), 0644);
  auto key = DeviceKey::loadOrCreate(dir.path());
  ASSERT_FALSE(key);
  EXPECT_NE(key.errorMessage().find("mode 0644"), std::string::npos) << key.errorMessage();
  EXPECT_NE(key.errorMessage().find("chmod 600"), std::string::npos) << key.errorMessage();
  EXPECT_EQ(key.errorMessage().find("kkkk"), std::string::npos);  // never the key bytes
}

TEST(DeviceKeyTest, RefusesKeyReadableByGroup) {
  test::TempDir dir;
  writeFile(dir.path() / DeviceKey::kFileName, std::string(32, 'k'), 0640);
  EXPECT_FALSE(DeviceKey::loadOrCreate(dir.path()));
}

TEST(DeviceKeyTest, RefusesWrongSizeWithoutReplacingIt) {
  test::TempDir dir;
  const auto file = dir.path() / DeviceKey::kFileName;
  writeFile(file, std::string(31, 'k'), 0600);
  auto key = DeviceKey::loadOrCreate(dir.path());
  ASSERT_FALSE(key);
  EXPECT_NE(key.errorMessage().find("31 bytes"), std::string::npos) << key.errorMessage();
  EXPECT_EQ(std::filesystem::file_size(file), 31u);  // the operator's file is left for recovery
}

TEST(DeviceKeyTest, RefusesSymlink) {
  test::TempDir dir;
  writeFile(dir.path() / "elsewhere", std::string(32, 'k'), 0600);
  std::filesystem::create_symlink(dir.path() / "elsewhere", dir.path() / DeviceKey::kFileName);
  auto key = DeviceKey::loadOrCreate(dir.path());
  ASSERT_FALSE(key);
  EXPECT_NE(key.errorMessage().find("symbolic link"), std::string::npos) << key.errorMessage();
}

TEST(DeviceKeyTest, LoadsExistingKeyBytes) {
  test::TempDir dir;
  const std::string raw(32, '\x5a');
  writeFile(dir.path() / DeviceKey::kFileName, raw, 0600);
  auto key = DeviceKey::loadOrCreate(dir.path());
  ASSERT_TRUE(key) << key.errorMessage();
  EXPECT_EQ(key->bytes()[0], 0x5a);
  EXPECT_EQ(key->bytes()[31], 0x5a);
}

TEST(DeviceKeyTest, FromBytesNeedsExactly32Bytes) {
  EXPECT_TRUE(DeviceKey::fromBytes(std::string(32, 'a')));
  EXPECT_FALSE(DeviceKey::fromBytes(std::string(16, 'a')));
}

}  // namespace
}  // namespace mg::crypto
