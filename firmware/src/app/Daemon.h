#pragma once
// Wiring of mailgated: owns every long-lived object, starts them in dependency order and
// stops them in reverse. Nothing here decides mail policy; it only connects modules.
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "app/DataDir.h"
#include "common/Settings.h"
#include "common/Status.h"

namespace mg::store { class Database; class UserRepository; class AuditRepository; class NotificationRepository; }
namespace mg::crypto { class SecretBox; }
namespace mg::accounts { class AccountService; }
namespace mg::spool { class Spool; }
namespace mg::quarantine { class QuarantineService; class Scheduler; class Notifier; class Retention; }
namespace mg::backup { class BackupService; }
namespace mg::relay { class RelayPool; }
namespace mg::smtp { class SmtpServer; }
namespace mg::web { class ApiServer; }
namespace mg::health { class HealthModel; class HealthMonitor; struct SmtpStats; }
namespace mg::web { class RateLimiter; class LoginGuard; class EventHub; }
namespace mg::system { class DbusService; }
namespace mg::store { class WatcherStateRepository; }
namespace mg::watcher { class WatcherPool; class ImapDeliveryPort; class ImapAccountProbe; }

namespace mg::app {

class GateDelegate;

// What a configuration reload did (SIGHUP, D-Bus Reload()).
struct ReloadReport {
  bool ok = true;
  std::string error;                      // the file was not taken: why (nothing changed)
  std::vector<std::string> applied;       // keys now in force, plus "accounts" and "rules" (re-read)
  std::vector<std::string> needsRestart;  // keys changed in the file that wait for a restart
  std::string summary() const;            // one line for the log and the caller
};

class Daemon {
 public:
  Daemon(common::Settings settings, std::string configPath);
  ~Daemon();

  // Starts everything; an error is one line naming the key or file at fault.
  common::Status start();
  void stop();

  // Re-reads the configuration file and applies what can change while sessions run (rules,
  // relays, limits, the default action, the log level, accounts), with RELOADING=1 … READY=1
  // to systemd. A file with problems changes nothing. One reload at a time.
  ReloadReport reload();

  health::HealthMonitor& monitor() { return *monitor_; }
  // The liveness tests that fail now ("smtp: the accept loop has made no progress for 31 s").
  std::vector<std::string> stalled() const;
  int64_t startedAtMillis() const { return startedAtMillis_; }

 private:
  common::Status openStorage();
  // A database made by an older mailgated is backed up before it is migrated (refusing to
  // migrate without one: the migration is the one step that cannot be undone in place).
  common::Status backupBeforeMigration(const std::string& databasePath);
  common::Status prepareTls(std::string& webCert, std::string& webKey);
  void registerHealthChecks();
  void registerLiveness();
  void startMonitor();
  void startDbus();
  ReloadReport applyReload();  // reload() without the notify frame
  std::string storeWriteProbe();  // "" when the store took a write (at most every few minutes)
  std::vector<common::ConfigProblem> configFileProblems();  // of the file on disk now
  std::shared_ptr<const common::Settings> liveSettings() const;
  void startWatchers();
  common::Status writeCliToken();
  void writeSetupCodeIfNeeded();

  common::Settings settings_;      // in force (TLS paths resolved at start)
  common::Settings fileSettings_;  // as the file said when last taken: what a reload compares with
  std::string configPath_;
  int64_t startedAtMillis_ = 0;
  std::mutex reloadMu_;
  mutable std::mutex liveMu_;
  std::shared_ptr<const common::Settings> live_;  // settings_ as the web layer reads it
  std::mutex configCheckMu_;
  int64_t configStamp_ = 0;
  int64_t configSize_ = 0;
  bool configChecked_ = false;
  std::vector<common::ConfigProblem> configProblems_;
  std::atomic<bool> diskLow_{false};  // a disk_low notification is out for this episode
  std::mutex probeMu_;
  int64_t lastProbeMillis_ = 0;
  std::string lastProbeError_;
  DataDirLock lock_;
  std::shared_ptr<store::Database> db_;
  std::shared_ptr<store::UserRepository> users_;
  std::shared_ptr<store::AuditRepository> audit_;
  std::shared_ptr<store::NotificationRepository> notifications_;
  std::shared_ptr<const crypto::SecretBox> secrets_;  // sealed account/relay passwords, under the device key
  std::shared_ptr<accounts::AccountService> accounts_;
  std::shared_ptr<spool::Spool> spool_;
  std::shared_ptr<quarantine::Notifier> notifier_;
  std::shared_ptr<quarantine::QuarantineService> quarantine_;
  std::shared_ptr<quarantine::Retention> retention_;
  std::shared_ptr<backup::BackupService> backups_;
  std::unique_ptr<quarantine::Scheduler> scheduler_;
  std::unique_ptr<relay::RelayPool> relays_;
  std::shared_ptr<health::HealthModel> health_;
  std::unique_ptr<health::HealthMonitor> monitor_;
  std::unique_ptr<system::DbusService> dbus_;  // null when [health] dbus = none
  std::shared_ptr<web::RateLimiter> releaseLimiter_;
  std::shared_ptr<web::LoginGuard> loginGuard_;
  std::string webFingerprint_;
  std::shared_ptr<web::EventHub> events_;  // the page's live updates  // SHA256:… of the web certificate; "" over plain HTTP
  std::shared_ptr<health::SmtpStats> smtpStats_;
  std::unique_ptr<GateDelegate> delegate_;
  std::unique_ptr<smtp::SmtpServer> smtp_;
  std::unique_ptr<web::ApiServer> web_;
  // IMAP: the positions, the per-account watchers and pools, release/discard back to the
  // server, and the account probe. Declared last: destroyed before what they use.
  std::shared_ptr<store::WatcherStateRepository> positions_;
  std::unique_ptr<watcher::WatcherPool> watchers_;
  std::unique_ptr<watcher::ImapDeliveryPort> imapPort_;
  std::unique_ptr<watcher::ImapAccountProbe> probe_;
};

}  // namespace mg::app
