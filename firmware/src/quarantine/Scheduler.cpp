#include "quarantine/Scheduler.h"

#include "common/Log.h"
#include "quarantine/Retention.h"

namespace mg::quarantine {

void Scheduler::start() {
  if (running_.exchange(true)) return;
  thread_ = std::thread([this] { run(); });
}

void Scheduler::stop() {
  if (!running_.exchange(false)) return;
  service_.wakeRelayWorker();
  if (thread_.joinable()) thread_.join();
}

void Scheduler::run() {
  while (running_) {
    try {
      service_.recordPendingOutcomes();  // first: outcomes of deliveries the store refused to record
      service_.relayDueMessages();
      service_.releaseDueAutoReleases();
      if (retention_) retention_->tick();
    } catch (const std::exception& e) {
      // A broken database must not end the thread silently; it is logged and retried.
      common::logger("quarantine").error(std::string("scheduler: ") + e.what());
    }
    service_.waitForRelayWork(tick_);
  }
}

}  // namespace mg::quarantine
