// Daemon: a configuration reload (SIGHUP, D-Bus Reload()). Sessions keep running; what can
// change live is swapped in under the objects that use it, the rest waits for a restart and
// is said so.
#include "app/Daemon.h"
#include "app/GateDelegate.h"
#include "app/SettingsDiff.h"
#include "backup/BackupService.h"
#include "common/Log.h"
#include "common/SettingsLoader.h"
#include "common/Text.h"
#include "health/HealthMonitor.h"
#include "quarantine/QuarantineService.h"
#include "quarantine/Retention.h"
#include "quarantine/RuleBook.h"
#include "relay/RelayPool.h"
#include "system/SystemdNotifier.h"
#include "watcher/WatcherPool.h"
#include "web/ApiContext.h"

namespace mg::app {

namespace {
Poco::Logger& log() { return common::logger("app"); }

std::string joined(const std::vector<std::string>& v) { return common::join(v, ", "); }

bool startsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }
}  // namespace

std::string ReloadReport::summary() const {
  if (!ok) return "configuration not reloaded: " + error;
  std::string s = "configuration reloaded; applied: " + (applied.empty() ? std::string("nothing changed") : joined(applied));
  if (!needsRestart.empty()) s += "; needs a restart to take effect: " + joined(needsRestart);
  return s;
}

ReloadReport Daemon::reload() {
  std::lock_guard<std::mutex> serial(reloadMu_);
  system::notifyReloading("reloading the configuration");
  ReloadReport report;
  try {
    report = applyReload();
  } catch (const std::exception& e) {
    report.ok = false;
    report.error = std::string("the reload stopped half-way: ") + e.what() + "; restart mailgated to be sure of its settings";
    common::logEvent(log(), Poco::Message::PRIO_ERROR, {"reload", 0, ""}, report.summary());
  }
  // READY=1 on every way out, with a STATUS evaluated after the change (not the one before).
  if (monitor_) {
    try {
      monitor_->evaluateNow();
    } catch (...) {
    }
  }
  system::notifyReady(monitor_ ? monitor_->current().summary() : "running");
  return report;
}

ReloadReport Daemon::applyReload() {
  ReloadReport report;
  auto loaded = common::loadSettingsFromFile(configPath_);
  if (!loaded.ok()) {
    report.ok = false;
    report.error = std::to_string(loaded.problems.size()) + " problem(s) in " + configPath_ +
                   ", the running configuration stays: " + loaded.problems.front().toString();
    common::logEvent(log(), Poco::Message::PRIO_ERROR, {"reload", 0, ""}, report.summary());
    return report;
  }
  const common::Settings& next = loaded.settings;
  const SettingsDiff diff = diffSettings(fileSettings_, next);

  bool relays = false, quarantine = false, limits = false, retention = false, backup = false;
  for (const auto& key : diff.live) {
    if (startsWith(key, "upstream.") || startsWith(key, "relay.circuit") || key == "relay.allowed_domains") relays = true;
    if (key == "smtp.default_action" || startsWith(key, "relay.retr")) quarantine = true;
    if (startsWith(key, "limits.")) limits = true;
    if (key == "log.level") common::setLogLevel(next.log.level);
    if (key == "health.disk_min_free_bytes") delegate_->setMinFreeBytes(next.health.diskMinFreeBytes);
    if (startsWith(key, "retention.")) retention = true;
    if (startsWith(key, "backup.")) backup = true;
  }
  if (retention) retention_->setPolicy(next.retention);
  if (backup && backups_) backups_->setPolicy(next.backup);
  if (relays) relays_->reconfigure(next.upstreams, next.relay);
  if (quarantine) {
    quarantine_->setOptions({next.smtp.defaultAction, next.relay.retries, next.relay.retryBaseSeconds,
                             next.relay.retryMaxSeconds});
  }
  if (limits) {
    releaseLimiter_->setPerMinute(next.limits.releasePerMinute);
    loginGuard_->setLimits(next.limits.loginAttempts, next.limits.loginWindowSeconds);
    delegate_->setLoginLimits(next.limits);
  }

  // The settings in force: the live keys from the file, everything else as it started. The
  // file copy keeps its start-time values for the restart-only keys too, so every reload
  // until the restart says again what is still waiting for it.
  const auto takeLive = [&next](common::Settings& s) {
    s.smtp.defaultAction = next.smtp.defaultAction;
    s.upstreams = next.upstreams;
    s.relay = next.relay;
    s.limits = next.limits;
    s.health.diskMinFreeBytes = next.health.diskMinFreeBytes;
    s.log.level = next.log.level;
    s.retention = next.retention;
    const std::string dir = s.backup.dir;  // where backups go waits for a restart
    s.backup = next.backup;
    s.backup.dir = dir;
  };
  takeLive(settings_);
  takeLive(fileSettings_);
  {
    std::lock_guard<std::mutex> lock(liveMu_);
    live_ = std::make_shared<const common::Settings>(settings_);
  }

  report.applied = diff.live;
  // Rules and accounts live in the database; a reload reads both again, so a change made
  // behind the daemon's back (mailgatectl offline, a restored backup) takes effect too.
  quarantine_->ruleBook().invalidate();
  report.applied.push_back("rules");
  // The watcher supervisor does it (stopping a watcher may wait on its server): neither the
  // signal loop nor the bus thread waits for IMAP.
  if (watchers_) {
    watchers_->requestReloadAccounts();
    report.applied.push_back("accounts");
  }
  report.needsRestart = diff.needsRestart;
  common::logEvent(log(), report.needsRestart.empty() ? Poco::Message::PRIO_NOTICE : Poco::Message::PRIO_WARNING,
                   {"reload", 0, ""}, report.summary());
  return report;
}

}  // namespace mg::app
