#include "app/Daemon.h"

#include "accounts/AccountService.h"
#include "app/GateDelegate.h"
#include "backup/BackupService.h"
#include "common/Clock.h"
#include "common/Log.h"
#include "common/Metrics.h"
#include "common/SettingsLoader.h"
#include "common/Text.h"
#include "crypto/DeviceKey.h"
#include "crypto/SecretBox.h"
#include "crypto/SelfSignedCertificate.h"
#include "system/HostAddresses.h"
#include "crypto/TokenHash.h"
#include "health/HealthModel.h"
#include "health/HealthMonitor.h"
#include "health/SmtpStats.h"
#include "quarantine/QuarantineService.h"
#include "quarantine/Retention.h"
#include "quarantine/Scheduler.h"
#include "relay/RelayPool.h"
#include "smtp/SmtpServer.h"
#include "spool/Spool.h"
#include "store/AccountRepository.h"
#include "store/AuditRepository.h"
#include "store/Database.h"
#include "store/Migrations.h"
#include "store/RetentionRepository.h"
#include "store/Snapshot.h"
#include "store/NotificationRepository.h"
#include "store/RuleRepository.h"
#include "store/UserRepository.h"
#include "store/WatcherStateRepository.h"
#include "system/DbusService.h"
#include "system/ProcessMetrics.h"
#include "watcher/ImapAccountProbe.h"
#include "watcher/ImapDeliveryPort.h"
#include "watcher/WatcherPool.h"
#include "web/ApiServer.h"
#include "web/EventFeed.h"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#ifndef MG_VERSION
#define MG_VERSION "0.0.0"
#endif

namespace mg::app {

namespace {
Poco::Logger& log() { return common::logger("app"); }

// What start-up recovery did, as the operator's notification says it.
std::string recoverySummary(const quarantine::QuarantineService::RecoveryReport& r) {
  std::vector<std::string> parts;
  if (r.recovered > 0) parts.push_back(std::to_string(r.recovered) + " message(s) found in the spool without a record were recovered as held");
  if (r.unparsed > 0) parts.push_back(std::to_string(r.unparsed) + " of them unparsed (the last start died parsing them)");
  if (r.interruptedReleases > 0) parts.push_back(std::to_string(r.interruptedReleases) + " interrupted release(s) were put back to be retried");
  if (r.deliveredUnrecorded > 0) parts.push_back(std::to_string(r.deliveredUnrecorded) + " delivery(ies) the store had not recorded were recorded");
  if (r.duplicates > 0) parts.push_back(std::to_string(r.duplicates) + " duplicate spool file(s) were removed (the same bytes are already stored)");
  return "start-up recovery: " + common::join(parts, "; ");
}
}

Daemon::Daemon(common::Settings settings, std::string configPath)
    : settings_(settings), fileSettings_(std::move(settings)), configPath_(std::move(configPath)) {}

Daemon::~Daemon() { stop(); }

common::Status Daemon::openStorage() {
  const std::string& dir = settings_.storage.dataDir;
  if (auto st = lock_.acquire(dir); !st.ok()) return st;
  if (auto st = backupBeforeMigration(dir + "/mailgate.db"); !st.ok()) return st;
  auto db = store::Database::open(dir + "/mailgate.db");
  if (!db) return db.status();
  db_ = db.value();
  spool_ = std::make_shared<spool::Spool>(dir + "/spool");
  if (auto st = spool_->init(); !st.ok()) return st;
  // The device key is made on first start so that secrets stored later (relay and IMAP
  // passwords) always have a key; its problems are start-up errors, not surprises later.
  auto key = crypto::DeviceKey::loadOrCreate(dir);
  if (!key) return key.status().withContext("storage.data_dir");
  secrets_ = std::make_shared<const crypto::SecretBox>(key.value());
  users_ = std::make_shared<store::UserRepository>(db_);
  audit_ = std::make_shared<store::AuditRepository>(db_);
  notifications_ = std::make_shared<store::NotificationRepository>(db_);
  accounts_ = std::make_shared<accounts::AccountService>(std::make_shared<store::AccountRepository>(db_), audit_, secrets_,
                                                         std::make_shared<store::WatcherStateRepository>(db_));
  return common::Status::success();
}

common::Status Daemon::backupBeforeMigration(const std::string& databasePath) {
  if (::access(databasePath.c_str(), F_OK) != 0) return common::Status::success();  // a first start
  auto version = store::snapshotSchemaVersion(databasePath);
  if (!version) return version.status();
  const int target = static_cast<int>(store::migrations().size());
  if (version.value() == 0 || version.value() >= target) return common::Status::success();
  const std::string reason = "before migration from schema " + std::to_string(version.value()) + " to " + std::to_string(target);
  auto made = backup::BackupService::makeFromFile(databasePath, settings_.storage.dataDir + "/spool", settings_.backup,
                                                  reason, MG_VERSION, common::SystemClock::instance());
  if (!made) {
    return common::Status::error("the backup " + reason + " failed, so the database stays as it is: " + made.errorMessage() +
                                 " (free space in backup.dir or point it elsewhere, then start again)");
  }
  log().notice("backup " + reason + ": " + made->file.path);
  return common::Status::success();
}

common::Status Daemon::prepareTls(std::string& webCert, std::string& webKey) {
  const bool smtpNeedsPair = settings_.smtp.starttls && settings_.smtp.tlsCert.empty();
  const bool webNeedsPair = settings_.web.tls == "self-signed";
  if (smtpNeedsPair || webNeedsPair) {
    // A browser on the LAN reaches the box as mailgate.local (Avahi) or by an address.
    std::vector<std::string> alsoNames = {"mailgate.local"};
    for (const auto& a : system::hostAddresses()) alsoNames.push_back(a);
    auto pair = crypto::SelfSignedCertificate::ensureSelfSigned(settings_.storage.dataDir + "/tls", settings_.smtp.hostname,
                                                                alsoNames);
    if (!pair) return pair.status().withContext("self-signed certificate in " + settings_.storage.dataDir + "/tls");
    if (smtpNeedsPair) {
      settings_.smtp.tlsCert = pair->certificate.string();
      settings_.smtp.tlsKey = pair->privateKey.string();
    }
    if (webNeedsPair) {
      webCert = pair->certificate.string();
      webKey = pair->privateKey.string();
    }
  }
  if (settings_.web.tls == "file") {
    webCert = settings_.web.tlsCert;
    webKey = settings_.web.tlsKey;
  }
  if (!webCert.empty()) {
    // What the operator compares with the browser's certificate warning (mailgatectl status).
    auto fp = crypto::SelfSignedCertificate::fingerprint(webCert);
    if (fp) webFingerprint_ = fp.value();
    else log().warning("web certificate fingerprint unknown: " + fp.errorMessage());
  }
  return common::Status::success();
}

common::Status Daemon::writeCliToken() {
  // A fresh admin token for mailgatectl at each start; the previous one stops working.
  auto tokens = users_->tokens();
  if (!tokens) return tokens.status().withContext("the mailgatectl token");
  for (const auto& t : tokens.value()) {
    if (t.name == "cli" && t.createdBy == "mailgated") {
      if (auto removed = users_->removeToken(t.id); !removed) return removed.status().withContext("the mailgatectl token");
    }
  }
  const std::string token = crypto::TokenHash::generateToken();
  auto added = users_->addToken({0, "cli", crypto::TokenHash::hashToken(token), "admin", "mailgated",
                                 common::SystemClock::instance().nowMillis(), 0});
  if (!added) return added.status().withContext("the mailgatectl token");
  return writePrivateFile(settings_.storage.dataDir + "/cli.token", token + "\n");
}

void Daemon::writeSetupCodeIfNeeded() {
  const std::string path = settings_.storage.dataDir + "/setup-code";
  auto users = users_->userCount();
  if (!users) {
    log().error("cannot tell whether an operator account exists: " + users.errorMessage());
    return;
  }
  if (users.value() > 0) {
    std::remove(path.c_str());
    return;
  }
  const std::string code = common::randomHex(8);
  if (writePrivateFile(path, code + "\n").ok()) {
    log().notice("no operator account yet: open the status page and create the first admin with setup code " + code +
                 " (also in " + path + "), or run 'mailgatectl user add NAME --role admin'");
  }
}

common::Status Daemon::start() {
  startedAtMillis_ = common::SystemClock::instance().nowMillis();
  system::registerProcessMetrics();
  auto& metrics = common::Metrics::global();
  metrics.describe("mailgate_build_info", "gauge", "Always 1; the version is in the label");
  metrics.set("mailgate_build_info", {{"version", MG_VERSION}}, 1);
  // Counted by several modules (SMTP, web, AUTH; the spool): described here, present from 0.
  metrics.describe("mailgate_rate_limited_total", "counter", "Requests refused by a rate or connection limit, by endpoint");
  metrics.describe("mailgate_spool_bytes_written_total", "counter", "Bytes the spool wrote (message files and markers)");
  metrics.increment("mailgate_spool_bytes_written_total", {}, 0);
  if (auto st = openStorage(); !st.ok()) return st;
  std::string webCert, webKey;
  if (auto st = prepareTls(webCert, webKey); !st.ok()) return st;

  notifier_ = std::make_shared<quarantine::Notifier>(notifications_, common::SystemClock::instance());
  auto ruleBook = std::make_shared<quarantine::RuleBook>(std::make_shared<store::RuleRepository>(db_));
  quarantine::QuarantineOptions qopts{settings_.smtp.defaultAction, settings_.relay.retries,
                                      settings_.relay.retryBaseSeconds, settings_.relay.retryMaxSeconds};
  auto retentionRepo = std::make_shared<store::RetentionRepository>(db_);
  quarantine_ = std::make_shared<quarantine::QuarantineService>(
      quarantine::QuarantineDeps{std::make_shared<store::MessageRepository>(db_), audit_, spool_, ruleBook, notifier_,
                                 &common::SystemClock::instance(), retentionRepo},
      qopts);
  retention_ = std::make_shared<quarantine::Retention>(*quarantine_, retentionRepo, spool_, notifier_,
                                                       common::SystemClock::instance(), settings_.retention);
  backup::BackupDeps backupDeps;
  backupDeps.db = db_;
  backupDeps.spoolDir = spool_->dir();
  backupDeps.version = MG_VERSION;
  auto notifier = notifier_;
  backupDeps.onFailure = [notifier](const std::string& message) { notifier->notify("backup_failed", "critical", message); };
  backups_ = std::make_shared<backup::BackupService>(backupDeps, settings_.backup);
  relays_ = std::make_unique<relay::RelayPool>(settings_.upstreams, settings_.relay, settings_.smtp.hostname,
                                               common::SystemClock::instance());
  quarantine_->setDeliveryPort("smtp", relays_.get());
  const auto recovery = quarantine_->recoverAtStart();
  if (recovery.recovered > 0 || recovery.interruptedReleases > 0 || recovery.deliveredUnrecorded > 0) {
    notifier_->notify("recovered", "warning", recoverySummary(recovery));
  }
  startWatchers();  // after recovery: the watchers reconcile against a settled store

  smtpStats_ = std::make_shared<health::SmtpStats>();
  smtpStats_->startMillis = common::SystemClock::instance().nowMillis();
  health_ = std::make_shared<health::HealthModel>();
  delegate_ = std::make_unique<GateDelegate>(*quarantine_, users_, smtpStats_, settings_.storage.dataDir,
                                             settings_.health.diskMinFreeBytes, settings_.limits);
  smtp::SmtpServer::describeMetrics();
  smtp_ = std::make_unique<smtp::SmtpServer>(settings_.smtp, *delegate_);
  if (const char* stallFile = std::getenv("MAILGATE_TEST_STALL_ACCEPT_FILE")) {
    // Test hook (docs/monitoring.md): while this file exists the accept loop stands still,
    // as a deadlocked one would, so a test can watch the watchdog pings stop.
    const std::string path = stallFile;
    smtp_->setAcceptHookForTest([path] {
      while (::access(path.c_str(), F_OK) == 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    });
  }
  if (auto st = smtp_->start(); !st.ok()) return st;

  {
    std::lock_guard<std::mutex> lock(liveMu_);
    live_ = std::make_shared<const common::Settings>(settings_);
  }
  web::ApiContext ctx;
  ctx.settings = [this] { return liveSettings(); };
  ctx.quarantine = quarantine_;
  ctx.users = users_;
  ctx.audit = audit_;
  ctx.notifications = notifications_;
  ctx.health = health_;
  ctx.smtpStats = smtpStats_;
  const std::string configPath = configPath_;
  ctx.configProblems = [configPath] { return common::loadSettingsFromFile(configPath).problems; };
  releaseLimiter_ = std::make_shared<web::RateLimiter>(common::SystemClock::instance(), settings_.limits.releasePerMinute);
  ctx.releaseLimiter = releaseLimiter_;
  loginGuard_ = std::make_shared<web::LoginGuard>(common::SystemClock::instance(), settings_.limits.loginAttempts,
                                                  settings_.limits.loginWindowSeconds);
  ctx.logins = loginGuard_;
  ctx.sessions = std::make_shared<web::SessionStore>(common::SystemClock::instance());
  ctx.setupCodePath = settings_.storage.dataDir + "/setup-code";
  ctx.secondFactor = std::make_shared<web::SecondFactor>(users_, secrets_, common::SystemClock::instance());
  ctx.version = MG_VERSION;
  ctx.startedAtMillis = startedAtMillis_;
  const std::string dataDir = settings_.storage.dataDir;
  ctx.diskFreeBytes = [dataDir] { return GateDelegate::freeBytes(dataDir); };
  ctx.tlsFingerprint = webFingerprint_;
  events_ = std::make_shared<web::EventHub>(common::SystemClock::instance());
  web::feedEvents(events_, *quarantine_, *notifier_, watchers_.get());
  events_->start();
  ctx.events = events_;
  ctx.accounts = accounts_;
  ctx.probe = probe_.get();
  ctx.watchers = watchers_.get();
  ctx.backups = backups_;
  ctx.storageBytesWritten = [] { return system::storageBytesWritten(); };
  ctx.retention = retention_;
  // The CLI token is in place before the API answers: whoever sees /healthz answer may
  // use the token file at once.
  if (auto st = writeCliToken(); !st.ok()) return st.withContext("cli token");
  writeSetupCodeIfNeeded();
  registerHealthChecks();
  web::ConnectionGuard::Limits webLimits;
  webLimits.headDeadline = std::chrono::seconds(settings_.web.requestHeadTimeoutSeconds);
  webLimits.perAddress = settings_.web.maxConnectionsPerAddress;
  web_ = std::make_unique<web::ApiServer>(ctx, webLimits);
  if (auto st = web_->start(settings_.web.listen, webCert, webKey); !st.ok()) return st;
  scheduler_ = std::make_unique<quarantine::Scheduler>(*quarantine_);
  scheduler_->setRetention(retention_.get());
  scheduler_->start();
  backups_->start();
  registerLiveness();
  startMonitor();
  log().information("mailgated " + std::string(MG_VERSION) + " ready: smtp=" + settings_.smtp.listen.host + ":" +
                    std::to_string(smtp_->port()) + " web=" + settings_.web.listen.host + ":" + std::to_string(web_->port()) +
                    (webCert.empty() ? " (http)" : " (https)") + " data_dir=" + settings_.storage.dataDir);
  return common::Status::success();
}

void Daemon::startWatchers() {
  watcher::WatcherPoolOptions o;
  o.watcher.pollSeconds = settings_.imap.pollSeconds;
  o.watcher.idleRenewSeconds = settings_.imap.idleRenewSeconds;
  o.pool.maxConnections = settings_.imap.poolMaxPerAccount;
  o.pool.idleCloseMillis = int64_t(settings_.imap.poolIdleSeconds) * 1000;
  positions_ = std::make_shared<store::WatcherStateRepository>(db_);
  watcher::ScanDeps deps{quarantine_.get(), &quarantine_->messages(), positions_.get(), &common::SystemClock::instance()};
  watchers_ = std::make_unique<watcher::WatcherPool>(*accounts_, deps, notifier_, o);
  imapPort_ = std::make_unique<watcher::ImapDeliveryPort>(*watchers_);
  probe_ = std::make_unique<watcher::ImapAccountProbe>(o.client);
  quarantine_->setDeliveryPort("imap", imapPort_.get());
  watchers_->start();
}

std::shared_ptr<const common::Settings> Daemon::liveSettings() const {
  std::lock_guard<std::mutex> lock(liveMu_);
  return live_;
}

void Daemon::stop() {
  // The event hub's poller reads the watchers: it ends before they do.
  if (events_) events_->shutdown();
  // No Reload() from the bus while the daemon comes apart; nothing evaluates health while the
  // parts it looks at go away.
  if (dbus_) {
    dbus_->stop();
    common::Metrics::global().removeGaugeFunction("mailgate_dbus_connected");
  }
  if (monitor_) monitor_->stop();
  // The IMAP watchers first: each ends IDLE with DONE and logs out while the server is
  // still reachable and nothing else is shutting down around it.
  if (watchers_) watchers_->stop();
  // Reverse order: stop taking new work first, then let the workers finish.
  if (web_) web_->stop();
  if (smtp_) smtp_->stop();
  if (scheduler_) scheduler_->stop();
  if (backups_) backups_->stop();
  web_.reset();
  smtp_.reset();
  scheduler_.reset();
  if (quarantine_) quarantine_->setDeliveryPort("imap", nullptr);
  probe_.reset();
  imapPort_.reset();
  watchers_.reset();
}

}  // namespace mg::app
