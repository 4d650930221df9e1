#pragma once
// Time behind an interface so that backoff, buckets and auto-release are testable.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <ctime>

namespace mg::common {

// A UTC calendar time (month 1-12) as milliseconds since the epoch.
inline int64_t utcMillis(int year, int month, int day, int hour, int minute, int second) {
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  return static_cast<int64_t>(::timegm(&tm)) * 1000;
}

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
