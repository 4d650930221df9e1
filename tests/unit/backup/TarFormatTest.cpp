#include <gtest/gtest.h>

#include <cstdio>
#include <sstream>

#include "backup/TarFormat.h"

namespace mg::backup {
namespace {

TEST(TarFormatTest, WhatTheWriterWritesTheReaderReadsBack) {
  std::stringstream buf;
  TarWriter w(buf);
  ASSERT_TRUE(w.addText("mailgate.db", std::string(1000, 'x'), 1700000000).ok());
  ASSERT_TRUE(w.addText("spool/a.msg", "", 1700000000).ok());
  ASSERT_TRUE(w.finish().ok());
  EXPECT_EQ(buf.str().size() % kTarBlock, 0u);
  TarReader r(buf);
  auto e = r.next();
  ASSERT_TRUE(e.ok()) << e.errorMessage();
  ASSERT_TRUE(e.value().has_value());
  EXPECT_EQ(e.value()->name, "mailgate.db");
  EXPECT_EQ(e.value()->size, 1000u);
  std::string got;
  ASSERT_TRUE(r.read(*e.value(), [&](const char* p, size_t n) { got.append(p, n); return common::Status::success(); }).ok());
  EXPECT_EQ(got, std::string(1000, 'x'));
  auto second = r.next();
  ASSERT_TRUE(second.ok() && second.value());
  EXPECT_EQ(second.value()->name, "spool/a.msg");
  EXPECT_TRUE(r.read(*second.value(), [](const char*, size_t) { return common::Status::success(); }).ok());
  auto end = r.next();
  ASSERT_TRUE(end.ok());
  EXPECT_FALSE(end.value().has_value());
}

TEST(TarFormatTest, ADamagedHeaderIsRefusedByItsChecksum) {
  std::string h = TarReader::header({"mailgate.db", 10, 0});
  h[0] = 'n';
  EXPECT_FALSE(TarReader::parseHeader(h.data()).ok());
}

TEST(TarFormatTest, UnsafeNamesAreRefused) {
  for (const std::string bad : {"/etc/passwd", "../x", "spool/../../x", "a//b", "", "sp ace", "a/"}) {
    EXPECT_FALSE(safeArchiveName(bad)) << bad;
  }
  EXPECT_TRUE(safeArchiveName("spool/1700000000000-abc.msg"));
  // A header that carries one (with a correct checksum) is refused for the name.
  std::string h = TarReader::header({"x", 1, 0});
  h.replace(0, 4, std::string("../x", 4));
  unsigned sum = 0;
  for (size_t i = 0; i < kTarBlock; ++i) sum += (i >= 148 && i < 156) ? ' ' : static_cast<unsigned char>(h[i]);
  char field[8];
  std::snprintf(field, sizeof field, "%06o", sum);
  h.replace(148, 8, std::string(field, 6) + std::string("\0 ", 2));
  auto parsed = TarReader::parseHeader(h.data());
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.errorMessage().find("unsafe"), std::string::npos) << parsed.errorMessage();
}

TEST(TarFormatTest, ATruncatedArchiveIsAnErrorNotAHang) {
  std::stringstream buf;
  TarWriter w(buf);
  ASSERT_TRUE(w.addText("mailgate.db", std::string(5000, 'y'), 0).ok());
  std::string cut = buf.str().substr(0, 2000);
  std::istringstream in(cut);
  TarReader r(in);
  auto e = r.next();
  ASSERT_TRUE(e.ok() && e.value());
  EXPECT_FALSE(r.read(*e.value(), [](const char*, size_t) { return common::Status::success(); }).ok());
}

}  // namespace
}  // namespace mg::backup
