// Power cut, simulated: the spool writes through a file system that knows which bytes were
// made durable; at a random operation the power goes, and afterwards every message whose
// write() returned (the SMTP 250 waits for it) must be there with its bytes, none twice.
// The control runs the same with the fsyncs skipped and must see loss: proof that the
// harness sees what it guards against.
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "FaultFileSystem.h"
#include "Rounds.h"
#include "TempDir.h"
#include "spool/Spool.h"

namespace mg::test {
namespace {

constexpr int kRounds = 200;        // CI; MG_POWER_CUT_ROUNDS raises it for the long run
constexpr int kWritesPerRound = 20;

int rounds() { return roundsFromEnv("MG_POWER_CUT_ROUNDS", kRounds); }

struct RoundResult {
  size_t acked = 0;
  size_t lost = 0;   // acknowledged, and missing or changed after the cut
  size_t extra = 0;  // on disk though never acknowledged (kept: recovery holds it)
};

RoundResult runRound(unsigned seed, bool sync) {
  TempDir dir;
  const std::string spoolDir = dir.file("spool");
  auto ffs = std::make_shared<FaultFileSystem>();
  spool::Spool spool(spoolDir, ffs);
  EXPECT_TRUE(spool.init().ok());
  spool.setSyncForTest(sync);
  ffs->adopt(spoolDir);
  ffs->adopt(spoolDir + "/tmp");
  std::mt19937 rng(seed);
  // A write is six operations or more: create, the header, the message (in one piece or, as
  // SMTP DATA brings it, in several), the file's fsync, the rename, the directory's fsync.
  ffs->failAfter(static_cast<long>(rng() % (kWritesPerRound * 7 + 5)));

  std::map<std::string, std::string> acked;
  for (int i = 0; i < kWritesPerRound; ++i) {
    const std::string raw = "Subject: message " + std::to_string(i) + "\r\n\r\n" + std::string(rng() % 3000, 'x') + "\r\n";
    if (i % 2 == 0) {
      auto w = spool.write({"a@example.org", {"b@example.org"}}, raw);
      if (w) acked[w->name] = raw;
      continue;
    }
    auto writer = spool.begin({"a@example.org", {"b@example.org"}});
    if (!writer) continue;
    const size_t cut = raw.size() / 2;
    writer.value()->append(std::string_view(raw).substr(0, cut));
    writer.value()->append(std::string_view(raw).substr(cut));
    auto w = writer.value()->commit();
    if (w) acked[w->name] = raw;
  }
  ffs->cutPower();

  RoundResult r;
  r.acked = acked.size();
  spool::Spool after(spoolDir);
  EXPECT_TRUE(after.init().ok());
  const auto names = after.list();
  for (const auto& [name, raw] : acked) {
    auto back = after.readRaw(name);
    if (!back || back.value() != raw) ++r.lost;
  }
  for (const auto& n : names) {
    if (!acked.count(n)) ++r.extra;
  }
  return r;
}

TEST(PowerCutTest, EveryAcknowledgedSpoolWriteSurvivesAPowerCutAtAnyPoint) {
  size_t acked = 0;
  for (int round = 0; round < rounds(); ++round) {
    const RoundResult r = runRound(static_cast<unsigned>(round), true);
    EXPECT_EQ(r.lost, 0u) << "round " << round << ": " << r.lost << " of " << r.acked << " acknowledged writes lost";
    // At most the one write in flight when the power went may be there unacknowledged (its
    // client never got 250; recovery holds it once).
    EXPECT_LE(r.extra, 1u) << "round " << round;
    acked += r.acked;
  }
  EXPECT_GT(acked, 0u);  // the cut did not always come before the first write
}

TEST(PowerCutTest, ControlWithoutFsyncTheHarnessSeesTheLoss) {
  size_t lost = 0, acked = 0;
  for (int round = 0; round < 50; ++round) {
    const RoundResult r = runRound(static_cast<unsigned>(round), false);
    lost += r.lost;
    acked += r.acked;
  }
  EXPECT_GT(acked, 0u);
  EXPECT_GT(lost, 0u) << "the harness did not see writes that were never made durable";
}

TEST(PowerCutTest, AFileWhoseContentWasNeverSyncedIsEmptyAfterTheCut) {
  TempDir dir;
  FaultFileSystem ffs;
  ASSERT_TRUE(ffs.createFile(dir.file("a"), "bytes", false).ok());
  ASSERT_TRUE(ffs.syncDir(dir.path()).ok());
  ASSERT_TRUE(ffs.createFile(dir.file("b"), "bytes", true).ok());  // content durable, entry not
  ffs.cutPower();
  EXPECT_EQ(ffs.readFile(dir.file("a")).value(), "");
  EXPECT_FALSE(ffs.isFile(dir.file("b")));
}

}  // namespace
}  // namespace mg::test
