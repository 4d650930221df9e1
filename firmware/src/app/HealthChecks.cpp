// Daemon: the named checks behind /healthz (and, later, D-Bus and the LED).
#include "app/Daemon.h"
#include "app/GateDelegate.h"
#include "common/Metrics.h"
#include "health/HealthModel.h"
#include "relay/RelayPool.h"
#include "smtp/SmtpServer.h"
#include "store/Database.h"
#include "watcher/WatcherPool.h"
#include "web/ApiServer.h"

namespace mg::app {

using health::CheckResult;
using health::State;

void Daemon::registerHealthChecks() {
  auto db = db_;
  health_->add("store", [db] {
    auto version = db->schemaVersion();  // a query: fails when the database is unusable
    if (!version) return CheckResult{State::Failed, version.errorMessage()};
    return CheckResult{State::Ok, "schema " + std::to_string(version.value())};
  });
  health_->add("smtp", [this] {
    return smtp_ && smtp_->running() ? CheckResult{State::Ok, std::to_string(smtp_->activeSessions()) + " session(s)"}
                                     : CheckResult{State::Failed, "the SMTP listener is not running"};
  });
  health_->add("web", [this] {
    return web_ && web_->running() ? CheckResult{State::Ok, "listening"} : CheckResult{State::Failed, "not running"};
  });
  // Degraded while any enabled, intercepting account's watcher is not online, saying which
  // and why ("work: backoff: connecting to imap.example.net:993: Connection refused").
  health_->add("watchers", [this] {
    if (!watchers_) return CheckResult{State::Ok, "no IMAP accounts configured"};
    const auto h = watchers_->health();
    if (h.watched == 0) return CheckResult{State::Ok, "no IMAP account is being watched"};
    if (h.problems.empty()) return CheckResult{State::Ok, std::to_string(h.online) + " of " + std::to_string(h.watched) + " online"};
    std::string text = std::to_string(h.online) + " of " + std::to_string(h.watched) + " online; ";
    for (size_t i = 0; i < h.problems.size(); ++i) text += (i ? "; " : "") + h.problems[i];
    return CheckResult{State::Degraded, text};
  });
  const std::string dataDir = settings_.storage.dataDir;
  const uint64_t minFree = settings_.health.diskMinFreeBytes;
  common::Metrics::global().describe("mailgate_disk_free_bytes", "gauge", "Free bytes on the data directory's file system");
  common::Metrics::global().gaugeFunction("mailgate_disk_free_bytes",
                                          [dataDir] { return static_cast<double>(GateDelegate::freeBytes(dataDir)); });
  health_->add("disk", [dataDir, minFree] {
    const uint64_t free = GateDelegate::freeBytes(dataDir);
    const std::string text = std::to_string(free / (1024 * 1024)) + " MiB free (minimum " + std::to_string(minFree / (1024 * 1024)) + " MiB)";
    return free >= minFree ? CheckResult{State::Ok, text} : CheckResult{State::Degraded, text + "; SMTP answers 452"};
  });
  health_->add("upstream", [this] {
    if (relays_->size() == 0) return CheckResult{State::Degraded, "no upstream relay configured; releases cannot be delivered"};
    std::string down;
    bool anyUp = false;
    for (const auto& u : relays_->status()) {
      if (u.up) anyUp = true;
      else down += (down.empty() ? "" : "; ") + u.name + ": " + u.lastError;
    }
    if (anyUp) return CheckResult{State::Ok, down.empty() ? "all relays up" : "some relays down: " + down};
    return CheckResult{State::Degraded, "every relay is down: " + down};
  });
  health_->add("backup", [] { return CheckResult{State::Ok, "scheduled backups are not part of this version yet"}; });
}

}  // namespace mg::app
