#include "health/HealthMonitor.h"

#include <algorithm>

namespace mg::health {

bool HealthSnapshot::operator==(const HealthSnapshot& o) const {
  return health == o.health && reason == o.reason && held == o.held && watchersOnline == o.watchersOnline &&
         watchersTotal == o.watchersTotal && relay == o.relay;
}

std::string HealthSnapshot::summary() const {
  std::string s = std::to_string(held) + " held \xC2\xB7 ";
  if (watchersTotal == 0) s += "no watchers";
  else s += std::to_string(watchersOnline) + "/" + std::to_string(watchersTotal) + " watchers online";
  s += " \xC2\xB7 " + relay;
  if (health != State::Ok) s += " \xC2\xB7 " + toString(health) + ": " + reason;
  return s;
}

HealthMonitor::HealthMonitor(std::shared_ptr<HealthModel> model, std::function<HealthFacts()> facts,
                             const common::Clock& clock, int64_t intervalMillis)
    : model_(std::move(model)), facts_(std::move(facts)), clock_(clock), intervalMillis_(intervalMillis) {}

HealthMonitor::~HealthMonitor() { stop(); }

void HealthMonitor::follow(Follower f) { followers_.push_back(std::move(f)); }

void HealthMonitor::start() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (running_) return;
    running_ = true;
  }
  evaluateOnce();
  thread_ = std::thread([this] { run(); });
}

void HealthMonitor::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    running_ = false;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void HealthMonitor::refresh() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    refreshRequested_ = true;
  }
  cv_.notify_all();
}

void HealthMonitor::evaluateNow() { evaluateOnce(); }

HealthSnapshot HealthMonitor::current() const {
  std::lock_guard<std::mutex> lock(mu_);
  return current_;
}

std::string HealthMonitor::liveness() const {
  int64_t last;
  {
    std::lock_guard<std::mutex> lock(mu_);
    last = lastEvaluatedMillis_;
  }
  return progressWithin("the health evaluation (store write probe included)", last, clock_.steadyMillis(),
                        std::max<int64_t>(5 * intervalMillis_, 15'000));
}

void HealthMonitor::evaluateOnce() {
  std::lock_guard<std::mutex> serial(evaluateMu_);
  const HealthReport report = model_->evaluate();
  HealthSnapshot next;
  next.health = report.overall;
  next.reason = report.reason;
  if (facts_) {
    const HealthFacts f = facts_();
    next.held = f.held;
    next.watchersOnline = f.watchersOnline;
    next.watchersTotal = f.watchersTotal;
  }
  const CheckResult* upstream = report.find("upstream");
  if (!upstream) next.relay = "no relay";
  else if (upstream->state == State::Ok) next.relay = "relay ok";
  else if (upstream->detail.rfind("no upstream", 0) == 0) next.relay = "no relay";
  else next.relay = "relay down";

  HealthSnapshot before;
  bool changed;
  {
    std::lock_guard<std::mutex> lock(mu_);
    lastEvaluatedMillis_ = clock_.steadyMillis();
    before = current_;
    changed = first_ || next != current_;
    first_ = false;
    current_ = next;
  }
  if (!changed) return;
  for (const auto& f : followers_) {
    try {
      f(next, before);
    } catch (...) {
      // A follower's trouble (a bus gone) is its own to report; the others still hear.
    }
  }
}

void HealthMonitor::run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (running_) {
    cv_.wait_for(lock, std::chrono::milliseconds(intervalMillis_), [this] { return !running_ || refreshRequested_; });
    if (!running_) break;
    refreshRequested_ = false;
    lock.unlock();
    try {
      evaluateOnce();
    } catch (...) {
      // A fact that threw (the store): this round is lost, the stamp is not renewed, and the
      // "store" liveness test says so if it lasts.
    }
    lock.lock();
  }
}

}  // namespace mg::health
