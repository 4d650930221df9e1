#pragma once
// What /api/v1/smtp/health reports: counts since start, kept by the gate's delegate.
#include <atomic>
#include <cstdint>

namespace mg::health {

struct SmtpStats {
  int64_t startMillis = 0;
  std::atomic<int64_t> messages{0};  // accepted (250)
  std::atomic<int64_t> errors{0};    // tempfail or reject at DATA
  std::atomic<int64_t> lastMessageMillis{0};
};

}  // namespace mg::health
