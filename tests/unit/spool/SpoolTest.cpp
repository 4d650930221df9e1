#include "spool/Spool.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "TempDir.h"

using namespace mg::spool;

TEST(SpoolTest, WriteReadKeepsBytesAndEnvelopeExactly) {
  mg::test::TempDir dir;
  Spool spool(dir.file("spool"));
  ASSERT_TRUE(spool.init().ok());
  static const char kBytes[] = "Subject: x\r\n\r\n.leading dot\r\n\x80\xff binary\r\n";
  const std::string raw(kBytes, sizeof kBytes - 1);  // 8-bit bytes kept, no terminating NUL
  auto w = spool.write({"a@b", {"c@d", "e@f"}}, raw);
  ASSERT_TRUE(w.ok()) << w.errorMessage();
  EXPECT_EQ(w->size, raw.size());
  auto r = spool.read(w->name);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->raw, raw);
  EXPECT_EQ(r->envelope.mailFrom, "a@b");
  EXPECT_EQ(r->envelope.rcptTo, (std::vector<std::string>{"c@d", "e@f"}));
  EXPECT_EQ(spool.list(), std::vector<std::string>{w->name});
  struct stat sb {};
  ASSERT_EQ(::stat((dir.file("spool") + "/" + w->name).c_str(), &sb), 0);
  EXPECT_EQ(sb.st_mode & 0777, 0600u);
}

TEST(SpoolTest, InitRemovesUnfinishedTempFiles) {
  mg::test::TempDir dir;
  Spool spool(dir.file("spool"));
  ASSERT_TRUE(spool.init().ok());
  std::ofstream(dir.file("spool/tmp/half.msg")) << "partial";
  ASSERT_TRUE(spool.init().ok());
  EXPECT_FALSE(std::filesystem::exists(dir.file("spool/tmp/half.msg")));
}

TEST(SpoolTest, RejectsLineBreaksInEnvelopeAndBadFiles) {
  mg::test::TempDir dir;
  Spool spool(dir.file("spool"));
  ASSERT_TRUE(spool.init().ok());
  EXPECT_FALSE(spool.write({"a@b\nrcpt evil@x", {"c@d"}}, "x").ok());
  EXPECT_FALSE(Spool::decode("garbage").ok());
  EXPECT_FALSE(Spool::decode("MGSPOOL 1\nfrom a\n").ok());  // no blank line
  EXPECT_FALSE(Spool::decode("MGSPOOL 1\n\nbody").ok());    // no sender line (found by the fuzzer)
  EXPECT_FALSE(Spool::decode("MGSPOOL 1\nfrom a\nfrom b\n\nbody").ok());
  EXPECT_FALSE(Spool::decode("MGSPOOL 1\nrcpt c\nfrom a\n\nbody").ok());
  EXPECT_TRUE(Spool::decode("MGSPOOL 1\nfrom \n\nbody").ok());  // the null sender <>
  EXPECT_FALSE(spool.read("../etc/passwd").ok());
  EXPECT_FALSE(spool.read("missing.msg").ok());
}
