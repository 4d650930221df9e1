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

TEST(SpoolTest, ImapMailCarriesItsSourceAccountAndUidsAndSmtpMailKeepsVersionOne) {
  mg::test::TempDir dir;
  Spool spool(dir.file("spool"));
  ASSERT_TRUE(spool.init().ok());
  SpoolEnvelope imap{"a@b", {"me@home"}};
  imap.source = "imap";
  imap.accountId = 7;
  imap.imapUidValidity = 1700000000;
  imap.imapUid = 42;
  auto w = spool.write(imap, "Subject: x\r\n\r\nbody\r\n");
  ASSERT_TRUE(w.ok()) << w.errorMessage();
  auto r = spool.read(w->name);
  ASSERT_TRUE(r.ok()) << r.errorMessage();
  EXPECT_EQ(r->envelope.source, "imap");
  EXPECT_EQ(r->envelope.accountId, 7);
  EXPECT_EQ(r->envelope.imapUidValidity, 1700000000);
  EXPECT_EQ(r->envelope.imapUid, 42);
  EXPECT_EQ(Spool::encode(imap, "x"),
            "MGSPOOL 2\nfrom a@b\nrcpt me@home\nsource imap\naccount 7\nimap-uid 1700000000 42\n\nx");
  // Plain SMTP intake is written as before, so older spool files and new ones read alike.
  EXPECT_EQ(Spool::encode({"a@b", {"c@d"}}, "x"), "MGSPOOL 1\nfrom a@b\nrcpt c@d\n\nx");
  auto smtp = Spool::decode("MGSPOOL 1\nfrom a@b\nrcpt c@d\n\nx");
  ASSERT_TRUE(smtp.ok());
  EXPECT_EQ(smtp->envelope.source, "smtp");
  EXPECT_EQ(smtp->envelope.accountId, 0);
}

TEST(SpoolTest, AnOriginHeaderHasExactlyOneSpelling) {
  EXPECT_TRUE(Spool::decode("MGSPOOL 2\nfrom a\nsource imap\n\nx").ok());
  EXPECT_TRUE(Spool::decode("MGSPOOL 2\nfrom a\nsource imap\nimap-uid 3 4\n\nx").ok());
  EXPECT_FALSE(Spool::decode("MGSPOOL 2\nfrom a\nsource smtp\n\nx").ok());  // that is version 1
  EXPECT_FALSE(Spool::decode("MGSPOOL 2\nfrom a\n\nx").ok());               // no source
  EXPECT_FALSE(Spool::decode("MGSPOOL 2\nfrom a\nsource pop3\n\nx").ok());
  EXPECT_FALSE(Spool::decode("MGSPOOL 2\nfrom a\nsource imap\naccount 07\n\nx").ok());
  EXPECT_FALSE(Spool::decode("MGSPOOL 2\nfrom a\nsource imap\naccount -1\n\nx").ok());
  EXPECT_FALSE(Spool::decode("MGSPOOL 2\nfrom a\nsource imap\nimap-uid 3\n\nx").ok());
  EXPECT_FALSE(Spool::decode("MGSPOOL 2\nfrom a\nsource imap\nimap-uid 3 4 5\n\nx").ok());
  EXPECT_FALSE(Spool::decode("MGSPOOL 2\nfrom a\nsource imap\nimap-uid 3 4\naccount 1\n\nx").ok());  // order
  EXPECT_FALSE(Spool::decode("MGSPOOL 2\nfrom a\nsource imap\nrcpt b\n\nx").ok());
  EXPECT_FALSE(Spool::decode("MGSPOOL 1\nfrom a\nsource imap\n\nx").ok());  // only version 2 has origins
  EXPECT_FALSE(Spool::decode("MGSPOOL 2\nfrom a\nsource imap\naccount 1234567890123456789\n\nx").ok());
}

TEST(SpoolTest, TheDeliveredMarkerSaysWhichEndTheDeliveryHadAndGoesWithTheFile) {
  mg::test::TempDir dir;
  Spool spool(dir.file("spool"));
  ASSERT_TRUE(spool.init().ok());
  auto w = spool.write({"a@b", {"c@d"}}, "x");
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(spool.deliveredAs(w->name), "");
  ASSERT_TRUE(spool.markDelivered(w->name, "relayed"));
  EXPECT_EQ(spool.deliveredAs(w->name), "relayed");
  EXPECT_EQ(spool.list(), std::vector<std::string>{w->name});  // markers are not messages
  ASSERT_TRUE(spool.remove(w->name).ok());
  EXPECT_EQ(spool.deliveredAs(w->name), "");
}

TEST(SpoolTest, TheEnvelopeGoesThroughTheOneAddressParser) {
  mg::test::TempDir dir;
  Spool spool(dir.file("spool"));
  ASSERT_TRUE(spool.init().ok());
  EXPECT_TRUE(spool.write({"", {"postmaster"}}, "x").ok());  // what MAIL FROM:<> and RCPT TO:<postmaster> give
  EXPECT_FALSE(spool.write({"a@b.example", {""}}, "x").ok());
  EXPECT_FALSE(spool.write({"not an address", {"c@d.example"}}, "x").ok());
}

TEST(SpoolTest, AMessageWrittenInPiecesIsTheSameAsOneWrittenWhole) {
  mg::test::TempDir dir;
  Spool spool(dir.file("spool"));
  ASSERT_TRUE(spool.init().ok());
  const std::string raw = "Subject: pieces\r\n\r\n" + std::string(200000, 'p') + "\r\n";
  auto writer = spool.begin({"a@b", {"c@d"}});
  ASSERT_TRUE(writer.ok()) << writer.errorMessage();
  for (size_t at = 0; at < raw.size(); at += 65536) writer.value()->append(std::string_view(raw).substr(at, 65536));
  // Not in the spool until committed: only its temp file exists.
  EXPECT_TRUE(spool.list().empty());
  auto streamed = writer.value()->commit();
  ASSERT_TRUE(streamed.ok()) << streamed.errorMessage();
  auto whole = spool.write({"a@b", {"c@d"}}, raw);
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(streamed->contentHash, whole->contentHash);
  EXPECT_EQ(streamed->size, raw.size());
  EXPECT_EQ(streamed->rawOffset, whole->rawOffset);
  EXPECT_EQ(spool.readRaw(streamed->name).value(), raw);
  auto where = spool.locate(streamed->name);
  ASSERT_TRUE(where.ok()) << where.errorMessage();
  EXPECT_EQ(where->offset, streamed->rawOffset);
  EXPECT_EQ(where->offset, Spool::encodeHeader({"a@b", {"c@d"}}).size());
  EXPECT_FALSE(writer.value()->commit().ok());  // a second commit is refused
}

TEST(SpoolTest, AWriterDroppedWithoutCommitLeavesNothing) {
  mg::test::TempDir dir;
  Spool spool(dir.file("spool"));
  ASSERT_TRUE(spool.init().ok());
  {
    auto writer = spool.begin({"a@b", {"c@d"}});
    ASSERT_TRUE(writer.ok());
    writer.value()->append("Subject: refused\r\n\r\nover the limit\r\n");
    EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.file("spool/tmp")), {}), 1);
  }
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.file("spool/tmp")), {}), 0);
  EXPECT_TRUE(spool.list().empty());
}

TEST(SpoolTest, BeginChecksTheEnvelopeBeforeCreatingAnything) {
  mg::test::TempDir dir;
  Spool spool(dir.file("spool"));
  ASSERT_TRUE(spool.init().ok());
  EXPECT_FALSE(spool.begin({"a@b\nrcpt evil@x", {"c@d"}}).ok());
  EXPECT_FALSE(spool.begin({"a@b", {"c@d"}}, "../escape").ok());
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.file("spool/tmp")), {}), 0);
}

TEST(SpoolTest, LocateReadsTheHeaderOfAVersionTwoFile) {
  mg::test::TempDir dir;
  Spool spool(dir.file("spool"));
  ASSERT_TRUE(spool.init().ok());
  SpoolEnvelope e{"a@b", {"c@d"}};
  e.source = "imap";
  e.accountId = 3;
  auto w = spool.write(e, "Subject: s\r\n\r\nx\r\n");
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(spool.locate(w->name).value().offset, Spool::encodeHeader(e).size());
  EXPECT_FALSE(spool.locate("missing.msg").ok());
}

namespace {

// The POSIX file system, except that appending fails once a file holds `room` bytes (a full
// disk mid-DATA).
class FullDisk final : public FileSystem {
 public:
  explicit FullDisk(size_t room) : room_(room) {}
  mg::common::Status createFile(const std::string& p, std::string_view d, bool s) override { return real_->createFile(p, d, s); }
  mg::common::Result<std::unique_ptr<AppendableFile>> createAppendable(const std::string& path) override {
    auto file = real_->createAppendable(path);
    if (!file) return file.status();
    return std::unique_ptr<AppendableFile>(std::make_unique<Limited>(std::move(file.value()), room_));
  }
  mg::common::Status replaceFile(const std::string& p, std::string_view d, bool s) override { return real_->replaceFile(p, d, s); }
  mg::common::Status rename(const std::string& a, const std::string& b) override { return real_->rename(a, b); }
  mg::common::Status syncDir(const std::string& d) override { return real_->syncDir(d); }
  mg::common::Status remove(const std::string& p) override { return real_->remove(p); }
  mg::common::Result<std::string> readFile(const std::string& p) const override { return real_->readFile(p); }
  mg::common::Result<std::string> readPrefix(const std::string& p, size_t n) const override { return real_->readPrefix(p, n); }
  bool isFile(const std::string& p) const override { return real_->isFile(p); }
  std::vector<std::string> listFiles(const std::string& d) const override { return real_->listFiles(d); }

 private:
  class Limited final : public AppendableFile {
   public:
    Limited(std::unique_ptr<AppendableFile> real, size_t room) : real_(std::move(real)), room_(room) {}
    mg::common::Status append(std::string_view data) override {
      if (written_ + data.size() > room_) return mg::common::Status::error("write: No space left on device");
      written_ += data.size();
      return real_->append(data);
    }
    mg::common::Status sync() override { return real_->sync(); }
    mg::common::Status close() override { return real_->close(); }

   private:
    std::unique_ptr<AppendableFile> real_;
    size_t room_;
    size_t written_ = 0;
  };
  std::shared_ptr<FileSystem> real_ = FileSystem::posix();
  size_t room_;
};

}  // namespace

TEST(SpoolTest, ADiskFullMidMessageGivesTheSpaceBackAtOnceAndTheCommitFails) {
  mg::test::TempDir dir;
  Spool spool(dir.file("spool"), std::make_shared<FullDisk>(10000));
  ASSERT_TRUE(spool.init().ok());
  auto writer = spool.begin({"a@b", {"c@d"}});
  ASSERT_TRUE(writer.ok());
  writer.value()->append(std::string(5000, 'a'));
  EXPECT_TRUE(writer.value()->status().ok());
  writer.value()->append(std::string(8000, 'b'));  // does not fit
  EXPECT_FALSE(writer.value()->status().ok());
  // Before the end of DATA, the partial file is gone already.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.file("spool/tmp")), {}), 0);
  writer.value()->append("more");  // the session reads on; nothing happens
  auto committed = writer.value()->commit();
  EXPECT_FALSE(committed.ok());
  EXPECT_NE(committed.errorMessage().find("No space left"), std::string::npos) << committed.errorMessage();
  EXPECT_TRUE(spool.list().empty());
}
