#pragma once
// Time behind an interface so that backoff, buckets and auto-release are testable.
#include <atomic>
#include <chrono>
#include <cstdint>

namespace mg::common {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock milliseconds since the Unix epoch (stored in the database).
  virtual int64_t nowMillis() const = 0;
  // Monotonic milliseconds for intervals; never goes back.
  virtual int64_t steadyMillis() const = 0;
};

class SystemClock final : public Clock {
 public:
  int64_t nowMillis() const override {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  }
  int64_t steadyMillis() const override {
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
  }
  static SystemClock& instance() {
    static SystemClock clock;
    return clock;
  }
};

class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t startMillis = 1'700'000'000'000) : now_(startMillis) {}
  int64_t nowMillis() const override { return now_; }
  int64_t steadyMillis() const override { return now_; }
  void advance(int64_t millis) { now_ += millis; }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace mg::common
