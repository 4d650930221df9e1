#pragma once
// The appliance's health in one place: named checks (store, smtp, web, watchers, disk,
// upstream, backup), each ok/degraded/failed with a reason. /healthz, the D-Bus object, the
// LED and the watchdog all read the same evaluation, so they can never disagree.
//
// Beside the checks, each component that must keep moving (the SMTP accept loop, the watcher
// supervisor, the health evaluation itself, which runs the store's write probe) registers a
// liveness test: the watchdog pings systemd only while every one of them passes, so a
// deadlocked thread gets the daemon restarted instead of a box that looks alive.
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace mg::health {

// NotConfigured: the component does not run at all (no backup configured yet). It is never
// "ok", and it does not make the whole box degraded either; /healthz shows it as such.
enum class State { Ok, NotConfigured, Degraded, Failed };
std::string toString(State s);  // ok | not_configured | degraded | failed

struct CheckResult {
  State state = State::Ok;
  std::string detail;
};

struct HealthReport {
  State overall = State::Ok;  // Ok, Degraded or Failed (NotConfigured counts as Ok here)
  std::string reason;  // the first worst check, "disk: 90 MB free (minimum 128 MB)"
  std::vector<std::pair<std::string, CheckResult>> checks;  // in registration order
  const CheckResult* find(const std::string& name) const;
};

class HealthModel {
 public:
  using Check = std::function<CheckResult()>;
  // Empty when the component is making progress, else why not ("the accept loop has made no
  // progress for 31 s").
  using Liveness = std::function<std::string()>;

  void add(const std::string& name, Check check);
  HealthReport evaluate() const;  // a check that throws counts as failed

  void addLiveness(const std::string& name, Liveness liveness);
  // Every liveness test that fails, as "name: why"; empty when all pass (a test that throws
  // fails).
  std::vector<std::string> stalled() const;

 private:
  mutable std::mutex mu_;
  std::vector<std::pair<std::string, Check>> checks_;
  std::vector<std::pair<std::string, Liveness>> liveness_;
};

// For liveness tests built on a progress stamp: "" while `lastMillis` is at most `maxMillis`
// before `nowMillis` (steady clock), else "<what> has made no progress for N s".
std::string progressWithin(const std::string& what, int64_t lastMillis, int64_t nowMillis, int64_t maxMillis);

}  // namespace mg::health
