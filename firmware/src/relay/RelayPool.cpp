#include "relay/RelayPool.h"

#include <exception>
#include <utility>

#include "common/Log.h"
#include "common/Metrics.h"
#include "common/Text.h"
#include "relay/SmtpClient.h"

namespace mg::relay {
namespace {

constexpr const char* kUpMetric = "mailgate_upstream_up";

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "; ") + p;
  return out;
}

Transport defaultTransport(std::string heloName) {
  return [helo = std::move(heloName)](const common::UpstreamSettings& upstream, const quarantine::DeliveryRequest& request) {
    SmtpClient client(upstream, helo);
    return client.send(request);
  };
}

}  // namespace

RelayPool::Relay::Relay(common::UpstreamSettings s, const common::Clock& clock, const common::RelaySettings& rs)
    : settings(std::move(s)),
      bucket(settings.maxPerMinute == 0 ? nullptr
                                        : std::make_unique<common::TokenBucket>(
                                              clock, static_cast<double>(settings.maxPerMinute), 60'000)),
      breaker(clock, rs.circuitFailures, static_cast<int64_t>(rs.circuitResetSeconds) * 1000) {}

RelayPool::RelayPool(std::vector<common::UpstreamSettings> upstreams, const common::RelaySettings& settings,
                     std::string heloName, const common::Clock& clock, Transport transport)
    : clock_(clock), transport_(transport ? std::move(transport) : defaultTransport(std::move(heloName))) {
  auto& metrics = common::Metrics::global();
  metrics.describe(kUpMetric, "gauge", "1 when the upstream relay's last attempt reached it, else 0");
  reconfigure(std::move(upstreams), settings);
}

void RelayPool::reconfigure(std::vector<common::UpstreamSettings> upstreams, const common::RelaySettings& settings) {
  auto& metrics = common::Metrics::global();
  std::lock_guard<std::mutex> serial(reconfigureMu_);
  const auto before = relays();
  const bool sameGuard = settings.circuitFailures == relaySettings_.circuitFailures &&
                         settings.circuitResetSeconds == relaySettings_.circuitResetSeconds;
  auto next = std::make_shared<RelayList>();
  next->reserve(upstreams.size());
  for (auto& u : upstreams) {
    std::shared_ptr<Relay> kept;
    for (const auto& old : *before) {
      if (sameGuard && old->settings == u) kept = old;
    }
    if (kept) {
      next->push_back(kept);  // unchanged: its circuit, bucket and last error stay
      continue;
    }
    metrics.set(kUpMetric, {{"name", u.name}}, 1.0);
    next->push_back(std::make_shared<Relay>(std::move(u), clock_, settings));
  }
  for (const auto& old : *before) {
    bool stays = false;
    for (const auto& r : *next) stays |= r->settings.name == old->settings.name;
    if (!stays) metrics.remove(kUpMetric, {{"name", old->settings.name}});  // no alert for a relay that is gone
  }
  relaySettings_ = settings;
  std::lock_guard<std::mutex> lock(listMu_);
  relays_ = std::move(next);
}

std::shared_ptr<const RelayPool::RelayList> RelayPool::relays() const {
  std::lock_guard<std::mutex> lock(listMu_);
  return relays_;
}

std::size_t RelayPool::size() const { return relays()->size(); }

quarantine::DeliveryOutcome RelayPool::deliver(const quarantine::DeliveryRequest& request) {
  quarantine::DeliveryOutcome out;
  const auto relays = this->relays();  // a reload swaps the list; this delivery keeps its own
  if (relays->empty()) {
    out.reason = "no upstream relay configured";
    return out;
  }
  std::vector<std::string> reasons;
  std::vector<std::string> rateLimited;
  std::size_t tried = 0;
  std::size_t permanent = 0;
  for (const auto& relayPtr : *relays) {
    Relay& relay = *relayPtr;
    const std::string prefix = "upstream " + relay.settings.name + ": ";
    // Look before taking a token: an open circuit should not use up the relay's rate.
    if (relay.breaker.state() == common::CircuitBreaker::State::Open) {
      reasons.push_back(prefix + "circuit open after " + std::to_string(relay.breaker.consecutiveFailures()) +
                        " consecutive failures");
      logAttempt(relay, request.emailId, "skipped", 0, "circuit open");
      continue;
    }
    if (relay.bucket && !relay.bucket->tryTake()) {
      const int64_t waitSeconds = (relay.bucket->millisUntilNext() + 999) / 1000;
      rateLimited.push_back(prefix + "over max_per_minute=" + std::to_string(relay.settings.maxPerMinute) +
                            " (next in " + std::to_string(waitSeconds) + " s)");
      reasons.push_back(rateLimited.back());
      logAttempt(relay, request.emailId, "skipped", 0, "rate limited");
      continue;
    }
    // Taken after the bucket so a half-open trial is never claimed and then not run.
    if (!relay.breaker.allowRequest()) {
      reasons.push_back(prefix + "circuit half-open, its trial delivery is in progress");
      logAttempt(relay, request.emailId, "skipped", 0, "circuit half-open");
      continue;
    }

    ++tried;
    out.upstream = relay.settings.name;
    const int64_t start = clock_.steadyMillis();
    TransactionResult result;
    try {
      result = transport_(relay.settings, request);
    } catch (const std::exception& e) {  // a transport must not throw; if one does, it is this relay's fault
      result.kind = TransactionResult::Kind::Temporary;
      result.relayFault = true;
      result.reason = prefix + common::sanitize(e.what());
    }
    record(relay, result);
    const int64_t took = clock_.steadyMillis() - start;
    if (result.delivered()) {
      logAttempt(relay, request.emailId, "delivered", took, result.reply);
      out.delivered = true;
      out.permanent = false;
      out.reason = prefix + result.reply;
      return out;
    }
    logAttempt(relay, request.emailId, TransactionResult::toString(result.kind), took, result.reason);
    reasons.push_back(result.reason);
    if (result.kind == TransactionResult::Kind::Permanent) ++permanent;
  }

  // Permanent only when every configured relay was asked and each refused the message with a
  // 5xx: a skipped relay (circuit, rate) might still take it later.
  out.permanent = tried == relays->size() && permanent == tried;
  if (tried == 0 && rateLimited.size() == relays->size()) {
    out.reason = "rate limited: " + join(rateLimited);
  } else if (tried == 0) {
    out.reason = "no upstream available: " + join(reasons);
  } else {
    out.reason = join(reasons);
  }
  return out;
}

void RelayPool::record(Relay& relay, const TransactionResult& result) {
  if (result.relayFault) {
    relay.breaker.recordFailure();
  } else {
    relay.breaker.recordSuccess();
  }
  {
    std::lock_guard<std::mutex> lock(relay.mu);
    relay.up = !result.relayFault;
    relay.lastError = result.delivered() ? std::string() : result.reason;
    relay.lastAttemptMillis = clock_.nowMillis();
  }
  common::Metrics::global().set(kUpMetric, {{"name", relay.settings.name}}, result.relayFault ? 0.0 : 1.0);
}

void RelayPool::logAttempt(const Relay& relay, long long emailId, const std::string& result, int64_t millis,
                           const std::string& detail) const {
  const bool bad = result != "delivered";
  common::logEvent(common::logger("relay"), bad ? Poco::Message::PRIO_WARNING : Poco::Message::PRIO_INFORMATION,
                   common::LogFields{"relay", emailId, ""},
                   "upstream=" + relay.settings.name + " address=" + relay.settings.host + ":" +
                       std::to_string(relay.settings.port) + " result=" + result + " ms=" + std::to_string(millis) +
                       " detail=\"" + common::sanitize(detail, 256) + "\"");
}

std::vector<UpstreamStatus> RelayPool::status() const {
  std::vector<UpstreamStatus> out;
  const auto relays = this->relays();
  out.reserve(relays->size());
  for (const auto& relayPtr : *relays) {
    const Relay& relay = *relayPtr;
    UpstreamStatus s;
    s.name = relay.settings.name;
    s.address = relay.settings.host + ":" + std::to_string(relay.settings.port);
    s.circuit = common::CircuitBreaker::toString(relay.breaker.state());
    s.consecutiveFailures = relay.breaker.consecutiveFailures();
    {
      std::lock_guard<std::mutex> lock(relay.mu);
      s.up = relay.up;
      s.lastError = relay.lastError;
      s.lastAttemptMillis = relay.lastAttemptMillis;
    }
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace mg::relay
