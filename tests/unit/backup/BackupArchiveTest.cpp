// The archive against its manifest: anything added, missing or changed is refused.
#include <gtest/gtest.h>

#include <Poco/DeflatingStream.h>

#include <fstream>
#include <sstream>

#include "TempDir.h"
#include "backup/BackupArchive.h"
#include "backup/TarFormat.h"

namespace mg::backup {
namespace {

// A gzip tar of the given (name, content) pairs, written without the real writer so a test
// can make what the writer never would.
void writeTarGz(const std::string& path, const std::vector<std::pair<std::string, std::string>>& entries) {
  std::ofstream file(path, std::ios::binary);
  Poco::DeflatingOutputStream gz(file, Poco::DeflatingStreamBuf::STREAM_GZIP);
  TarWriter tar(gz);
  for (const auto& [n, c] : entries) ASSERT_TRUE(tar.addText(n, c, 0).ok());
  ASSERT_TRUE(tar.finish().ok());
  gz.close();
}

std::string manifestFor(const std::vector<std::pair<std::string, std::string>>& files) {
  Manifest m;
  m.createdAt = 1;
  for (const auto& [n, c] : files) {
    ArchiveFile f;
    f.name = n;
    f.size = c.size();
    f.sha256 = "";
    m.files.push_back(f);
  }
  return m.toJson();
}

TEST(BackupArchiveTest, AnArchiveWithoutAManifestOrWithAStrangerIsRefused) {
  test::TempDir dir;
  writeTarGz(dir.file("a.tar.gz"), {{"mailgate.db", "x"}});
  auto r = BackupArchive::read(dir.file("a.tar.gz"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.errorMessage().find("no manifest"), std::string::npos) << r.errorMessage();
  writeTarGz(dir.file("b.tar.gz"), {{"mailgate.db", "x"}, {"etc-passwd", "root"}});
  r = BackupArchive::read(dir.file("b.tar.gz"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.errorMessage().find("unexpected entry"), std::string::npos) << r.errorMessage();
}

TEST(BackupArchiveTest, AManifestThatDoesNotMatchIsRefused) {
  test::TempDir dir;
  // sha256 fields of the wrong length make the manifest itself malformed.
  writeTarGz(dir.file("c.tar.gz"), {{"mailgate.db", "x"}, {"manifest.json", manifestFor({{"mailgate.db", "x"}})}});
  EXPECT_FALSE(BackupArchive::read(dir.file("c.tar.gz")).ok());
  Manifest m;
  m.files.push_back({"mailgate.db", 1, std::string(64, '0')});
  writeTarGz(dir.file("d.tar.gz"), {{"mailgate.db", "x"}, {"manifest.json", m.toJson()}});
  auto r = BackupArchive::read(dir.file("d.tar.gz"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.errorMessage().find("does not match"), std::string::npos) << r.errorMessage();
}

TEST(BackupArchiveTest, NotGzipAtAllIsADamagedArchive) {
  test::TempDir dir;
  std::ofstream(dir.file("e.tar.gz")) << "this is not a backup";
  auto r = BackupArchive::read(dir.file("e.tar.gz"));
  EXPECT_FALSE(r.ok());
}

}  // namespace
}  // namespace mg::backup
