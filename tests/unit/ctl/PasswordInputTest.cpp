#include "ctl/PasswordInput.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "TempDir.h"

namespace mg::ctl {
namespace {

TEST(PasswordInputTest, AtLeastTenCharactersCountedAsCharacters) {
  EXPECT_FALSE(PasswordInput::check("short").ok());
  EXPECT_NE(PasswordInput::check("123456789").message().find("has 9 characters; it needs at least 10"), std::string::npos);
  EXPECT_TRUE(PasswordInput::check("1234567890").ok());
  EXPECT_FALSE(PasswordInput::check("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9").ok());  // 5 characters, 10 bytes
}

TEST(PasswordInputTest, FileGivesItsFirstLineWithoutTheLineEnd) {
  test::TempDir dir;
  std::ofstream(dir.file("pw")) << "correct horse\r\nsecond line\n";
  auto pw = PasswordInput::fromFile(dir.file("pw"));
  ASSERT_TRUE(pw.ok());
  EXPECT_EQ(*pw, "correct horse");
  EXPECT_FALSE(PasswordInput::fromFile(dir.file("missing")).ok());
  std::ofstream(dir.file("empty")) << "";
  auto empty = PasswordInput::fromFile(dir.file("empty"));
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.errorMessage().find("is empty"), std::string::npos);
}

TEST(PasswordInputTest, StreamGivesOneLine) {
  std::istringstream in("secret pass phrase\nignored\n");
  EXPECT_EQ(*PasswordInput::fromStream(in), "secret pass phrase");
  std::istringstream none("");
  EXPECT_FALSE(PasswordInput::fromStream(none).ok());
}

}  // namespace
}  // namespace mg::ctl
