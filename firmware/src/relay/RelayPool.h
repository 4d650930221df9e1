#pragma once
// The SMTP side of the quarantine's DeliveryPort: the configured upstreams in priority order,
// each behind its own token bucket and circuit breaker, with failover to the next.
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/CircuitBreaker.h"
#include "common/Clock.h"
#include "common/Settings.h"
#include "common/TokenBucket.h"
#include "quarantine/DeliveryPort.h"
#include "relay/TransactionResult.h"

namespace mg::relay {

// For /healthz, the API and the CLI: no secrets in here.
struct UpstreamStatus {
  std::string name;
  std::string address;            // "smtp.example.net:587"
  bool up = true;                 // as last known; a relay never tried counts as up
  std::string circuit;            // closed | open | half_open
  unsigned consecutiveFailures = 0;
  std::string lastError;          // the last failure's reason; "" after a success
  int64_t lastAttemptMillis = 0;  // wall clock of the last attempt, 0 = never tried
};

// One transaction to one upstream. The default is SmtpClient; unit tests inject fakes.
using Transport =
    std::function<TransactionResult(const common::UpstreamSettings&, const quarantine::DeliveryRequest&)>;

class RelayPool final : public quarantine::DeliveryPort {
 public:
  // `upstreams` comes sorted by priority (Settings does it). Thread-safe: deliver() may run
  // on several threads at once.
  RelayPool(std::vector<common::UpstreamSettings> upstreams, const common::RelaySettings& settings,
            std::string heloName, const common::Clock& clock, Transport transport = {});

  quarantine::DeliveryOutcome deliver(const quarantine::DeliveryRequest& request) override;
  std::vector<UpstreamStatus> status() const;
  std::size_t size() const;
  // A configuration reload: the new list takes effect for the next delivery; deliveries under
  // way finish on the list they started with. An upstream whose settings did not change keeps
  // its circuit, bucket and last error.
  void reconfigure(std::vector<common::UpstreamSettings> upstreams, const common::RelaySettings& settings);

 private:
  struct Relay {
    Relay(common::UpstreamSettings s, const common::Clock& clock, const common::RelaySettings& rs);
    common::UpstreamSettings settings;
    std::unique_ptr<common::TokenBucket> bucket;  // null when max_per_minute = 0: no limit
    mutable common::CircuitBreaker breaker;
    mutable std::mutex mu;  // guards the fields below
    bool up = true;
    std::string lastError;
    int64_t lastAttemptMillis = 0;
  };

  void record(Relay& relay, const TransactionResult& result);
  void logAttempt(const Relay& relay, long long emailId, const std::string& result, int64_t millis,
                  const std::string& detail) const;

  using RelayList = std::vector<std::shared_ptr<Relay>>;
  std::shared_ptr<const RelayList> relays() const;

  mutable std::mutex listMu_;
  std::shared_ptr<const RelayList> relays_ = std::make_shared<RelayList>();  // swapped whole, under listMu_
  std::mutex reconfigureMu_;
  common::RelaySettings relaySettings_;
  const common::Clock& clock_;
  Transport transport_;
};

}  // namespace mg::relay
