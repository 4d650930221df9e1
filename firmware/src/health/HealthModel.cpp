#include "health/HealthModel.h"

namespace mg::health {

std::string toString(State s) {
  switch (s) {
    case State::Ok: return "ok";
    case State::NotConfigured: return "not_configured";
    case State::Degraded: return "degraded";
    case State::Failed: return "failed";
  }
  return "failed";
}

const CheckResult* HealthReport::find(const std::string& name) const {
  for (const auto& [n, r] : checks) {
    if (n == name) return &r;
  }
  return nullptr;
}

void HealthModel::add(const std::string& name, Check check) {
  std::lock_guard<std::mutex> lock(mu_);
  checks_.emplace_back(name, std::move(check));
}

void HealthModel::addLiveness(const std::string& name, Liveness liveness) {
  std::lock_guard<std::mutex> lock(mu_);
  liveness_.emplace_back(name, std::move(liveness));
}

HealthReport HealthModel::evaluate() const {
  std::vector<std::pair<std::string, Check>> checks;
  {
    std::lock_guard<std::mutex> lock(mu_);
    checks = checks_;
  }
  HealthReport report;
  for (const auto& [name, check] : checks) {
    CheckResult r;
    try {
      r = check();
    } catch (const std::exception& e) {
      r = {State::Failed, e.what()};
    } catch (...) {
      r = {State::Failed, "the check failed with an unknown error"};
    }
    const State counted = r.state == State::NotConfigured ? State::Ok : r.state;
    if (counted > report.overall) {
      report.overall = counted;
      report.reason = name + ": " + r.detail;
    }
    report.checks.emplace_back(name, r);
  }
  return report;
}

std::vector<std::string> HealthModel::stalled() const {
  std::vector<std::pair<std::string, Liveness>> tests;
  {
    std::lock_guard<std::mutex> lock(mu_);
    tests = liveness_;
  }
  std::vector<std::string> out;
  for (const auto& [name, test] : tests) {
    std::string why;
    try {
      why = test();
    } catch (const std::exception& e) {
      why = e.what();
    } catch (...) {
      why = "the liveness test failed with an unknown error";
    }
    if (!why.empty()) out.push_back(name + ": " + why);
  }
  return out;
}

std::string progressWithin(const std::string& what, int64_t lastMillis, int64_t nowMillis, int64_t maxMillis) {
  const int64_t age = nowMillis - lastMillis;
  if (age <= maxMillis) return "";
  return what + " has made no progress for " + std::to_string(age / 1000) + " s";
}

}  // namespace mg::health
