#include <gtest/gtest.h>

#include "backup/Rotation.h"

namespace mg::backup {
namespace {

std::vector<BackupFile> files(std::initializer_list<uint64_t> sizesNewestFirst) {
  std::vector<BackupFile> out;
  int64_t at = 1000000;
  int i = 0;
  for (uint64_t s : sizesNewestFirst) out.push_back({"b" + std::to_string(i++), "", s, at--});
  return out;
}

std::vector<std::string> names(const std::vector<BackupFile>& v) {
  std::vector<std::string> out;
  for (const auto& f : v) out.push_back(f.name);
  return out;
}

TEST(RotationTest, KeepsTheNewestThatFitTheCount) {
  EXPECT_EQ(names(selectForDeletion(files({1, 1, 1, 1}), 2, 100)), (std::vector<std::string>{"b2", "b3"}));
}

TEST(RotationTest, KeepsTheNewestThatFitTheByteBudget) {
  EXPECT_EQ(names(selectForDeletion(files({40, 40, 40}), 10, 100)), (std::vector<std::string>{"b2"}));
}

TEST(RotationTest, OnceOneDoesNotFitEveryOlderOneGoes) {
  // b2 would fit after b1 is gone, but rotation keeps a run of the newest, not a patchwork.
  EXPECT_EQ(names(selectForDeletion(files({50, 60, 10}), 10, 100)), (std::vector<std::string>{"b1", "b2"}));
}

TEST(RotationTest, TheNewestIsKeptEvenAloneOverTheBudget) {
  EXPECT_EQ(names(selectForDeletion(files({500, 10}), 10, 100)), (std::vector<std::string>{"b1"}));
  EXPECT_TRUE(selectForDeletion(files({500}), 1, 100).empty());
}

TEST(RotationTest, InputOrderDoesNotMatter) {
  auto f = files({1, 1, 1});
  std::swap(f[0], f[2]);
  EXPECT_EQ(names(selectForDeletion(f, 1, 100)), (std::vector<std::string>{"b1", "b2"}));
}

}  // namespace
}  // namespace mg::backup
