// Daemon: the named checks behind /healthz, D-Bus and the LED; the liveness tests behind the
// watchdog; the monitor that keeps systemd's STATUS line and the log current.
#include "app/Daemon.h"

#include <sys/stat.h>

#include "app/GateDelegate.h"
#include "backup/BackupService.h"
#include "common/Clock.h"
#include "common/Log.h"
#include "common/Metrics.h"
#include "common/SettingsLoader.h"
#include "common/Text.h"
#include "health/HealthModel.h"
#include "health/HealthMonitor.h"
#include "quarantine/QuarantineService.h"
#include "system/DbusService.h"
#include "system/SystemdNotifier.h"

#ifndef MG_VERSION
#define MG_VERSION "0.0.0"
#endif
#include "relay/RelayPool.h"
#include "smtp/SmtpServer.h"
#include "store/Database.h"
#include "watcher/WatcherPool.h"
#include "web/ApiServer.h"
#include "web/EventFeed.h"

namespace mg::app {

using health::CheckResult;
using health::State;

namespace {
// A committed write costs a page of WAL on the SD card: one every few minutes, not one per
// evaluation. A failed probe is tried again at the next evaluation (a failure writes nothing).
constexpr int64_t kStoreProbeEveryMillis = 5 * 60 * 1000;
Poco::Logger& log() { return common::logger("health"); }
}  // namespace

std::string Daemon::storeWriteProbe() {
  std::lock_guard<std::mutex> lock(probeMu_);
  const int64_t now = common::SystemClock::instance().steadyMillis();
  if (lastProbeMillis_ != 0 && lastProbeError_.empty() && now - lastProbeMillis_ < kStoreProbeEveryMillis) return "";
  const auto st = db_->probeWrite(common::SystemClock::instance().nowMillis());
  lastProbeMillis_ = now;
  lastProbeError_ = st.ok() ? "" : st.message();
  return lastProbeError_;
}

std::vector<common::ConfigProblem> Daemon::configFileProblems() {
  // Parsed again only when the file changed (mtime, size): the check runs every 2 s.
  struct stat st {};
  const bool exists = ::stat(configPath_.c_str(), &st) == 0;
  const int64_t stamp = exists ? int64_t(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec : -1;
  const int64_t size = exists ? int64_t(st.st_size) : -1;
  std::lock_guard<std::mutex> lock(configCheckMu_);
  if (stamp != configStamp_ || size != configSize_ || !configChecked_) {
    configProblems_ = common::loadSettingsFromFile(configPath_).problems;
    configStamp_ = stamp;
    configSize_ = size;
    configChecked_ = true;
  }
  return configProblems_;
}

void Daemon::registerHealthChecks() {
  auto db = db_;
  health_->add("store", [this, db] {
    auto version = db->schemaVersion();  // a query: fails when the database is unusable
    if (!version) return CheckResult{State::Failed, version.errorMessage()};
    // …and a write: a database that reads but cannot commit takes no mail (SMTP answers 451).
    if (const std::string write = storeWriteProbe(); !write.empty()) return CheckResult{State::Failed, write};
    return CheckResult{State::Ok, "schema " + std::to_string(version.value()) + ", writable"};
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
  common::Metrics::global().describe("mailgate_disk_free_bytes", "gauge", "Free bytes on the data directory's file system");
  common::Metrics::global().gaugeFunction("mailgate_disk_free_bytes",
                                          [dataDir] { return static_cast<double>(GateDelegate::freeBytes(dataDir)); });
  health_->add("disk", [this, dataDir] {
    const uint64_t minFree = liveSettings()->health.diskMinFreeBytes;
    const uint64_t free = GateDelegate::freeBytes(dataDir);
    const std::string text = std::to_string(free / (1024 * 1024)) + " MiB free (minimum " + std::to_string(minFree / (1024 * 1024)) + " MiB)";
    const bool low = free < minFree;
    // One notification per episode: when the disk goes low, not at every evaluation.
    if (low && !diskLow_.exchange(true)) notifier_->notify("disk_low", "critical", "disk low: " + text + "; SMTP answers 452 until there is room");
    if (!low) diskLow_ = false;
    return low ? CheckResult{State::Degraded, text + "; SMTP answers 452"} : CheckResult{State::Ok, text};
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
  // The file on disk, as the next reload or restart would take it: a problem there is one an
  // operator made and has not seen yet (the running configuration is unaffected).
  health_->add("config", [this] {
    const auto problems = configFileProblems();
    if (problems.empty()) return CheckResult{State::Ok, configPath_ + ": no problems"};
    return CheckResult{State::Degraded, std::to_string(problems.size()) + " problem(s) in " + configPath_ + ": " +
                                            problems.front().toString() +
                                            " (the running configuration stays; a reload or restart would refuse it)"};
  });
  // Backups: ok while the newest good one is younger than twice the interval (an hour of
  // slack for a slow card); degraded when the last attempt failed or none is recent.
  health_->add("backup", [this] {
    const auto cfg = backups_->settings();
    const auto st = backups_->status();
    const int64_t now = common::SystemClock::instance().nowMillis();
    const std::string last =
        st.lastSuccessAt ? "last " + st.lastSuccessName + " (" + common::humanAge(now - st.lastSuccessAt) + " ago)"
                         : "none yet";
    if (!st.lastError.empty()) return CheckResult{State::Degraded, "the last backup failed: " + st.lastError + "; " + last};
    if (cfg.intervalHours == 0) {
      return CheckResult{State::NotConfigured,
                         "scheduled backups are off (backup.interval_hours = 0); " + last + "; 'mailgatectl backup now' makes one"};
    }
    const int64_t interval = int64_t(cfg.intervalHours) * 3600 * 1000;
    if (st.lastSuccessAt == 0) return CheckResult{State::Ok, "no backup yet; the first is being made"};
    if (now - st.lastSuccessAt > 2 * interval + 3600 * 1000) {
      return CheckResult{State::Degraded, "no backup for more than twice backup.interval_hours: " + last};
    }
    if (st.overBudget) {
      return CheckResult{State::Degraded, "the newest backup alone is larger than backup.max_total_bytes (" +
                                              std::to_string(cfg.maxTotalBytes) + "): only it is kept; " + last};
    }
    return CheckResult{State::Ok, last + ", " + std::to_string(st.count) + " kept in " + cfg.dir};
  });
}

void Daemon::registerLiveness() {
  health_->addLiveness("smtp", [this] {
    // The accept loop turns every poll slice (200 ms); 10 s without a turn is a stuck thread.
    return health::progressWithin("the SMTP accept loop", smtp_->acceptLoopProgressMillis(),
                                  common::SystemClock::instance().steadyMillis(), 10'000);
  });
  health_->addLiveness("watchers", [this] { return watchers_ ? watchers_->supervisorLiveness() : std::string(); });
  // The monitor evaluates every check, the store's write probe among them: a store stuck on
  // its lock (or an fsync that never returns) stops it, and this says so.
  health_->addLiveness("store", [this] { return monitor_ ? monitor_->liveness() : std::string(); });
}

std::vector<std::string> Daemon::stalled() const { return health_->stalled(); }

void Daemon::startMonitor() {
  auto facts = [this] {
    health::HealthFacts f;
    const auto counts = quarantine_->messages().countByStatus();
    if (counts) {
      auto it = counts->find("held");
      if (it != counts->end()) f.held = static_cast<unsigned>(it->second);
    }
    if (watchers_) {
      const auto h = watchers_->health();
      f.watchersOnline = h.online;
      f.watchersTotal = h.watched;
    }
    return f;
  };
  monitor_ = std::make_unique<health::HealthMonitor>(health_, facts, common::SystemClock::instance());
  monitor_->follow([](const health::HealthSnapshot& now, const health::HealthSnapshot& before) {
    system::notifyStatus(now.summary());
    if (now.health == before.health && now.reason == before.reason) return;
    if (now.health == State::Ok) {
      if (before.health != State::Ok) common::logEvent(log(), Poco::Message::PRIO_NOTICE, {"health", 0, ""}, "health: ok again");
      return;
    }
    common::logEvent(log(), now.health == State::Failed ? Poco::Message::PRIO_ERROR : Poco::Message::PRIO_WARNING,
                     {"health", 0, ""}, "health: " + health::toString(now.health) + ": " + now.reason);
  });
  if (events_) {
    auto events = events_;
    monitor_->follow([events](const health::HealthSnapshot& now, const health::HealthSnapshot& before) {
      if (now.health != before.health || now.reason != before.reason) web::feedHealth(*events, health::toString(now.health), now.reason);
    });
  }
  startDbus();
  monitor_->start();
  if (dbus_) dbus_->start();
}

void Daemon::startDbus() {
  const std::string bus = settings_.health.dbus;
  if (bus == "none") return;
  system::DbusHandlers handlers;
  handlers.reload = [this] {
    const ReloadReport r = reload();
    if (r.ok) return system::BusReply{};
    return system::BusReply{"", "org.mailgate.Mailgate1.Error.ConfigInvalid", r.summary()};
  };
  handlers.backupNow = [this] {
    auto r = backups_->makeNow("request over D-Bus");
    if (r) return system::BusReply{r->file.path, "", ""};
    return system::BusReply{"", "org.mailgate.Mailgate1.Error.BackupFailed", r.errorMessage()};
  };
  dbus_ = std::make_unique<system::DbusService>(bus, MG_VERSION, uint64_t(startedAtMillis_) * 1000, handlers);
  auto* dbus = dbus_.get();
  monitor_->follow([dbus](const health::HealthSnapshot& now, const health::HealthSnapshot&) { dbus->publish(now); });
  auto& metrics = common::Metrics::global();
  metrics.describe("mailgate_dbus_connected", "gauge", "1 while the D-Bus object is published on the configured bus");
  metrics.gaugeFunction("mailgate_dbus_connected", [dbus] { return dbus->connected() ? 1.0 : 0.0; });
}

}  // namespace mg::app
