#include "mime/UnifiedDiff.h"

#include <gtest/gtest.h>

#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "mime/Limits.h"

namespace mg::mime {
namespace {

std::vector<std::string> linesOf(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& line : lines) out += line + "\n";
  return out;
}

// Applies a unified diff the way patch(1) would, checking every context and removed line:
// proves the hunks (and their @@ numbers) really turn `before` into `after`.
std::string applyPatch(const std::string& before, const std::string& diff) {
  const auto source = linesOf(before);
  const auto patch = linesOf(diff);
  std::vector<std::string> out;
  size_t used = 0;  // source lines consumed
  for (size_t i = 2; i < patch.size();) {
    int aStart = 0, aCount = 1, bStart = 0, bCount = 1;
    const std::string& header = patch[i];
    if (std::sscanf(header.c_str(), "@@ -%d,%d +%d,%d @@", &aStart, &aCount, &bStart, &bCount) != 4) {
      aCount = bCount = 1;
      if (std::sscanf(header.c_str(), "@@ -%d +%d,%d @@", &aStart, &bStart, &bCount) != 3 &&
          std::sscanf(header.c_str(), "@@ -%d,%d +%d @@", &aStart, &aCount, &bStart) != 3) {
        std::sscanf(header.c_str(), "@@ -%d +%d @@", &aStart, &bStart);
      }
    }
    const size_t first = aCount == 0 ? static_cast<size_t>(aStart) : static_cast<size_t>(aStart - 1);
    EXPECT_GE(first, used) << header;
    while (used < first) out.push_back(source.at(used++));
    EXPECT_EQ(static_cast<int>(out.size()) + (bCount == 0 ? 0 : 1), bStart) << header;
    int seenA = 0, seenB = 0;
    for (++i; i < patch.size() && patch[i].rfind("@@", 0) != 0; ++i) {
      const char tag = patch[i][0];
      const std::string text = patch[i].substr(1);
      if (tag == ' ' || tag == '-') {
        EXPECT_EQ(source.at(used), text);
        ++used;
        ++seenA;
      }
      if (tag == ' ' || tag == '+') {
        out.push_back(text);
        ++seenB;
      }
    }
    EXPECT_EQ(seenA, aCount) << header;
    EXPECT_EQ(seenB, bCount) << header;
  }
  while (used < source.size()) out.push_back(source[used++]);
  return joined(out);
}

TEST(UnifiedDiffTest, SmallChangeGivesOneHunkWithThreeLinesOfContext) {
  const std::string before = "Subject: hello\r\n\r\none\r\ntwo\r\nthree\r\nfour\r\nfive\r\nsix\r\nseven\r\n";
  const std::string after = "Subject: hello\r\n\r\none\r\ntwo\r\nthree\r\nFOUR\r\nfive\r\nsix\r\nseven\r\n";
  EXPECT_EQ(unifiedDiff(before, after, "original", "edited"),
            "--- original\n"
            "+++ edited\n"
            "@@ -3,7 +3,7 @@\n"
            " one\n"
            " two\n"
            " three\n"
            "-four\n"
            "+FOUR\n"
            " five\n"
            " six\n"
            " seven\n");
}

TEST(UnifiedDiffTest, IdenticalInputsGiveEmptyDiff) {
  EXPECT_EQ(unifiedDiff("a\nb\n", "a\r\nb\r\n", "x", "y"), "");
  EXPECT_EQ(unifiedDiff("", "", "x", "y"), "");
}

TEST(UnifiedDiffTest, InsertIntoEmptyAndDeleteAll) {
  EXPECT_EQ(unifiedDiff("", "a\nb\n", "x", "y"), "--- x\n+++ y\n@@ -0,0 +1,2 @@\n+a\n+b\n");
  EXPECT_EQ(unifiedDiff("a\n", "", "x", "y"), "--- x\n+++ y\n@@ -1 +0,0 @@\n-a\n");
}

TEST(UnifiedDiffTest, DistantChangesGiveSeparateHunks) {
  std::vector<std::string> lines;
  for (int i = 0; i < 30; ++i) lines.push_back("line " + std::to_string(i));
  auto changed = lines;
  changed[2] = "changed 2";
  changed[25] = "changed 25";
  const std::string diff = unifiedDiff(joined(lines), joined(changed), "a", "b");
  EXPECT_NE(diff.find("@@ -1,6 +1,6 @@\n"), std::string::npos) << diff;
  EXPECT_NE(diff.find("@@ -23,7 +23,7 @@\n"), std::string::npos) << diff;
  EXPECT_EQ(applyPatch(joined(lines), diff), joined(changed));
}

TEST(UnifiedDiffTest, RandomEditsRoundTripThroughPatch) {
  std::mt19937 random(42);  // fixed seed: failures reproduce
  for (int round = 0; round < 300; ++round) {
    std::vector<std::string> before;
    const int n = static_cast<int>(random() % 40);
    for (int i = 0; i < n; ++i) before.push_back("l" + std::to_string(random() % 6));
    auto after = before;
    const int edits = static_cast<int>(random() % 6);
    for (int e = 0; e < edits; ++e) {
      const size_t at = after.empty() ? 0 : random() % (after.size() + 1);
      switch (random() % 3) {
        case 0: after.insert(after.begin() + static_cast<long>(at), "new" + std::to_string(e)); break;
        case 1: if (at < after.size()) after.erase(after.begin() + static_cast<long>(at)); break;
        default: if (at < after.size()) after[at] = "mod" + std::to_string(e); break;
      }
    }
    const std::string diff = unifiedDiff(joined(before), joined(after), "a", "b");
    EXPECT_EQ(diff.empty(), before == after);
    EXPECT_EQ(applyPatch(joined(before), diff), joined(after)) << "round " << round << "\n" << diff;
  }
}

TEST(UnifiedDiffTest, LargeEditDistanceFallsBackToWholeReplace) {
  std::string before, after;
  for (size_t i = 0; i < kMaxDiffEditDistance; ++i) {
    before += "old " + std::to_string(i) + "\n";
    after += "new " + std::to_string(i) + "\n";
  }
  const std::string diff = unifiedDiff("head\n" + before + "tail\n", "head\n" + after + "tail\n", "a", "b");
  const std::string count = std::to_string(kMaxDiffEditDistance + 2);
  EXPECT_EQ(diff.rfind("--- a\n+++ b\n@@ -1," + count + " +1," + count + " @@\n head\n-old 0\n", 0), 0u);
  EXPECT_EQ(applyPatch("head\n" + before + "tail\n", diff), "head\n" + after + "tail\n");
}

TEST(UnifiedDiffTest, HugeInputsFallBackToWholeReplace) {
  std::string before, after;
  for (size_t i = 0; i < kMaxDiffLines; ++i) {
    before += "b" + std::to_string(i) + "\n";
    after += "a" + std::to_string(i) + "\n";
  }
  const std::string diff = unifiedDiff(before, after, "a", "b");
  const std::string count = std::to_string(kMaxDiffLines);
  EXPECT_EQ(diff.rfind("--- a\n+++ b\n@@ -1," + count + " +1," + count + " @@\n", 0), 0u);
}

}  // namespace
}  // namespace mg::mime
