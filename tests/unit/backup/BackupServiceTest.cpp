// Backups of a real store and spool: what goes in, that it is checked, rotated, refused when
// damaged, and that a failure is reported.
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "backup/BackupService.h"
#include "common/Metrics.h"
#include "quarantine/QuarantineFixture.h"
#include "store/Snapshot.h"

namespace mg::test {
namespace {

namespace fs = std::filesystem;

class BackupServiceTest : public QuarantineFixture {
 protected:
  void SetUp() override {
    QuarantineFixture::SetUp();
    settings_.dir = dir_.file("backups");
    settings_.keep = 10;
    settings_.maxTotalBytes = 64ull << 20;
    settings_.intervalHours = 0;  // no schedule: the tests call makeNow()
  }
  std::unique_ptr<backup::BackupService> service(const common::BackupSettings& s) {
    backup::BackupDeps d;
    d.db = db_;
    d.spoolDir = spool_->dir();
    d.version = "test";
    d.clock = &clock_;
    d.onFailure = [this](const std::string& m) { failures_.push_back(m); };
    return std::make_unique<backup::BackupService>(d, s);
  }
  common::BackupSettings settings_;
  std::vector<std::string> failures_;
};

TEST_F(BackupServiceTest, ABackupHoldsTheDatabaseAndTheSpoolFilesOfOpenMessagesOnly) {
  const int64_t held = acceptSample("held one");
  const int64_t released = acceptSample("released one");
  ASSERT_EQ(service_->release(released, {"t", "admin"}).outcome, quarantine::Outcome::Done);
  auto edited = service_->edit(held, {"t", "admin"}, std::string("edited subject"), std::nullopt);
  ASSERT_EQ(edited.outcome, quarantine::Outcome::Done) << edited.detail;

  auto svc = service(settings_);
  auto made = svc->makeNow("test");
  ASSERT_TRUE(made.ok()) << made.errorMessage();
  EXPECT_TRUE(fs::exists(made->file.path));
  EXPECT_EQ(made->manifest.messages, 2);
  EXPECT_EQ(made->manifest.held, 1);
  // The held message's original and its edited version; nothing of the released one.
  std::set<std::string> names;
  for (const auto& f : made->manifest.files) names.insert(f.name);
  const auto versions = messages_->versions(held).value();
  ASSERT_EQ(versions.size(), 2u);
  for (const auto& v : versions) EXPECT_TRUE(names.count("spool/" + v.spoolName)) << v.spoolName;
  EXPECT_FALSE(names.count("spool/" + messages_->get(released).value()->spoolName));
  EXPECT_TRUE(names.count("mailgate.db"));

  // Read back: every hash checks, and the database copy inside is whole.
  TempDir out;
  auto read = backup::BackupArchive::read(made->file.path, out.path());
  ASSERT_TRUE(read.ok()) << read.errorMessage();
  EXPECT_TRUE(store::snapshotIntegrity(out.file("mailgate.db")).ok());
  EXPECT_EQ(store::snapshotCounts(out.file("mailgate.db")).value().held, 1);
  EXPECT_EQ(svc->list().size(), 1u);
  EXPECT_EQ(common::Metrics::global().value("mailgate_backup_last_success_timestamp_seconds"),
            static_cast<double>(made->file.createdAt / 1000));
}

TEST_F(BackupServiceTest, ADamagedOrCutArchiveIsRefused) {
  acceptSample("one");
  auto made = service(settings_)->makeNow("test");
  ASSERT_TRUE(made.ok()) << made.errorMessage();
  const std::string good = made->file.path;
  const auto size = fs::file_size(good);
  // One byte flipped in the middle (deflate data), and the file cut short.
  const std::string flipped = dir_.file("flipped.tar.gz");
  fs::copy_file(good, flipped);
  {
    std::fstream f(flipped, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(static_cast<std::streamoff>(size / 2));
    char c = 0;
    f.read(&c, 1);
    f.seekp(static_cast<std::streamoff>(size / 2));
    c = static_cast<char>(c ^ 0x5a);
    f.write(&c, 1);
  }
  EXPECT_FALSE(backup::BackupArchive::read(flipped).ok());
  const std::string cut = dir_.file("cut.tar.gz");
  fs::copy_file(good, cut);
  fs::resize_file(cut, size - 40);
  EXPECT_FALSE(backup::BackupArchive::read(cut).ok());
  EXPECT_FALSE(backup::BackupArchive::read(dir_.file("nothing-here.tar.gz")).ok());
  EXPECT_TRUE(backup::BackupArchive::read(good).ok());
}

TEST_F(BackupServiceTest, RotationKeepsTheNewestWithinCountAndBudget) {
  for (int i = 0; i < 5; ++i) acceptSample("message " + std::to_string(i));
  settings_.keep = 3;
  auto svc = service(settings_);
  std::vector<std::string> made;
  for (int i = 0; i < 5; ++i) {
    clock_.advance(1000);
    auto r = svc->makeNow("test");
    ASSERT_TRUE(r.ok()) << r.errorMessage();
    made.push_back(r->file.name);
  }
  auto kept = svc->list();
  ASSERT_EQ(kept.size(), 3u);
  EXPECT_EQ(kept[0].name, made[4]);
  EXPECT_EQ(kept[2].name, made[2]);
  // A budget smaller than two backups: only the newest stays, never none.
  settings_.maxTotalBytes = kept[0].size + kept[0].size / 2;
  svc->setPolicy(settings_);
  clock_.advance(1000);
  ASSERT_TRUE(svc->makeNow("test").ok());
  EXPECT_EQ(svc->list().size(), 1u);
  uint64_t total = 0;
  for (const auto& f : svc->list()) total += f.size;
  EXPECT_LE(total, settings_.maxTotalBytes);
}

TEST_F(BackupServiceTest, AFailedBackupIsReportedAndCounted) {
  acceptSample("one");
  // A file where the backup directory should be.
  std::ofstream(dir_.file("not-a-dir")) << "x";
  settings_.dir = dir_.file("not-a-dir");
  const double before = common::Metrics::global().value("mailgate_backups_total", {{"result", "failed"}});
  auto svc = service(settings_);
  auto r = svc->makeNow("test");
  EXPECT_FALSE(r.ok());
  ASSERT_EQ(failures_.size(), 1u);
  EXPECT_NE(failures_[0].find("backup failed"), std::string::npos) << failures_[0];
  EXPECT_FALSE(svc->status().lastError.empty());
  EXPECT_EQ(common::Metrics::global().value("mailgate_backups_total", {{"result", "failed"}}), before + 1);
}

TEST_F(BackupServiceTest, TheBackupBeforeAMigrationIsMadeFromTheFile) {
  acceptSample("one");
  auto r = backup::BackupService::makeFromFile(db_->path(), spool_->dir(), settings_, "before migration", "test", clock_);
  ASSERT_TRUE(r.ok()) << r.errorMessage();
  EXPECT_EQ(r->manifest.reason, "before migration");
  EXPECT_EQ(r->manifest.held, 1);
  EXPECT_TRUE(backup::BackupArchive::read(r->file.path).ok());
}

}  // namespace
}  // namespace mg::test
