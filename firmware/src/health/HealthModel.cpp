#include "health/HealthModel.h"

namespace mg::health {

std::string toString(State s) {
  switch (s) {
    case State::Ok: return "ok";
    case State::Degraded: return "degraded";
    case State::Failed: return "failed";
  }
  return "failed";
}

void HealthModel::add(const std::string& name, Check check) {
  std::lock_guard<std::mutex> lock(mu_);
  checks_.emplace_back(name, std::move(check));
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
    }
    if (r.state > report.overall) {
      report.overall = r.state;
      report.reason = name + ": " + r.detail;
    }
    report.checks.emplace_back(name, r);
  }
  return report;
}

}  // namespace mg::health
