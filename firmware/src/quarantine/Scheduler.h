#pragma once
// One background thread for the quarantine's timed work: relaying queued pass mail
// (woken at once by intake), auto-releasing held mail whose rule window has passed, and
// retention's purges in small batches.
#include <atomic>
#include <thread>

#include "quarantine/QuarantineService.h"

namespace mg::quarantine {

class Scheduler {
 public:
  explicit Scheduler(QuarantineService& service, int64_t tickMillis = 1000) : service_(service), tick_(tickMillis) {}
  ~Scheduler() { stop(); }
  // Retention's batches run on this thread too, between relay and auto-release work.
  void setRetention(class Retention* retention) { retention_ = retention; }
  void start();
  void stop();

 private:
  void run();
  QuarantineService& service_;
  const int64_t tick_;
  Retention* retention_ = nullptr;
  std::atomic<bool> running_{false};
  std::thread thread_;
};

}  // namespace mg::quarantine
