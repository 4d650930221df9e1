#pragma once
// The appliance's health in one place: named checks (store, smtp, web, watchers, disk,
// upstream, backup), each ok/degraded/failed with a reason. /healthz, the D-Bus object, the
// LED and the watchdog all read the same evaluation, so they can never disagree.
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace mg::health {

enum class State { Ok, Degraded, Failed };
std::string toString(State s);

struct CheckResult {
  State state = State::Ok;
  std::string detail;
};

struct HealthReport {
  State overall = State::Ok;
  std::string reason;  // the first non-ok check, "disk: 90 MB free (minimum 128 MB)"
  std::vector<std::pair<std::string, CheckResult>> checks;  // in registration order
};

class HealthModel {
 public:
  using Check = std::function<CheckResult()>;
  void add(const std::string& name, Check check);
  HealthReport evaluate() const;  // a check that throws counts as failed

 private:
  mutable std::mutex mu_;
  std::vector<std::pair<std::string, Check>> checks_;
};

}  // namespace mg::health
