#pragma once
// Evaluates the health model on its own thread every few seconds and tells whoever follows
// it (systemd's STATUS line, the D-Bus object, the log) when anything they show has changed.
// Followers get the new snapshot on the monitor's thread and must not block: the D-Bus side
// only queues it for its own thread. Its last evaluation time is a liveness test of its
// own, and through the store's write probe it proves that the database still takes writes.
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/Clock.h"
#include "health/HealthModel.h"

namespace mg::health {

// What the box shows about itself, in one value (CONTRACT §5's properties).
struct HealthSnapshot {
  State health = State::Ok;
  std::string reason;
  unsigned held = 0;
  unsigned watchersOnline = 0;
  unsigned watchersTotal = 0;
  std::string relay;  // "relay ok", "relay down", "no relay"
  bool operator==(const HealthSnapshot& o) const;
  bool operator!=(const HealthSnapshot& o) const { return !(*this == o); }
  // One line for systemd's STATUS=: "3 held · 2/2 watchers online · relay ok", and the
  // reason after it while the box is not ok.
  std::string summary() const;
};

// The counts the model's checks do not carry.
struct HealthFacts {
  unsigned held = 0;
  unsigned watchersOnline = 0;
  unsigned watchersTotal = 0;
};

class HealthMonitor {
 public:
  using Follower = std::function<void(const HealthSnapshot& now, const HealthSnapshot& before)>;

  HealthMonitor(std::shared_ptr<HealthModel> model, std::function<HealthFacts()> facts, const common::Clock& clock,
                int64_t intervalMillis = 2000);
  ~HealthMonitor();  // stop()

  // Followers are added before start(); each is called once at start with the first snapshot.
  void follow(Follower f);
  void start();  // evaluates once on the caller's thread, then every interval on its own
  void stop();
  void refresh();  // evaluate soon, on the monitor's thread
  void evaluateNow();  // evaluate on the caller's thread, followers told before it returns

  HealthSnapshot current() const;
  // "" while the last evaluation finished within max(5 intervals, 15 s); else how long ago.
  std::string liveness() const;

 private:
  void evaluateOnce();
  void run();

  std::shared_ptr<HealthModel> model_;
  std::function<HealthFacts()> facts_;
  const common::Clock& clock_;
  const int64_t intervalMillis_;
  std::vector<Follower> followers_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool running_ = false;
  bool refreshRequested_ = false;
  bool first_ = true;
  HealthSnapshot current_;
  int64_t lastEvaluatedMillis_ = 0;
  std::mutex evaluateMu_;  // one evaluation at a time (refresh() from another thread)
  std::thread thread_;
};

}  // namespace mg::health
