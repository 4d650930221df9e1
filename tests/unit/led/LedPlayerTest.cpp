#include "led/LedPlayer.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <vector>

using namespace mg::led;

namespace {
// Records every write and lets the test wait for a number of them.
struct Recorder {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<bool> writes;
  bool write(bool on) {
    std::lock_guard<std::mutex> lock(mu);
    writes.push_back(on);
    cv.notify_all();
    return true;
  }
  std::vector<bool> waitFor(size_t n) {
    std::unique_lock<std::mutex> lock(mu);
    EXPECT_TRUE(cv.wait_for(lock, std::chrono::seconds(10), [&] { return writes.size() >= n; }));
    return writes;
  }
};
}  // namespace

TEST(LedPlayerTest, PlaysThePatternAndSwitchesAtOnce) {
  Recorder rec;
  LedPlayer player([&rec](bool on) { return rec.write(on); }, LedState::Failed);
  player.start();
  // Fast blink alternates on and off.
  auto w = rec.waitFor(6);
  for (size_t i = 0; i < 6; ++i) EXPECT_EQ(w[i], i % 2 == 0) << i;
  // Absent: a single "on", held (the next write comes only with the next state).
  player.setState(LedState::Absent);
  {
    std::unique_lock<std::mutex> lock(rec.mu);
    ASSERT_TRUE(rec.cv.wait_for(lock, std::chrono::seconds(10), [&] { return !rec.writes.empty() && rec.writes.back(); }));
  }
  const size_t held = rec.waitFor(1).size();
  player.setState(LedState::Ok);
  w = rec.waitFor(held + 2);
  EXPECT_TRUE(w[held]);       // the heartbeat begins with its pulse, at once
  EXPECT_FALSE(w[held + 1]);  // then its pause
  player.stop();
}
