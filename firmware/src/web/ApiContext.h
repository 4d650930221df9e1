#pragma once
// Everything the API handlers use, wired once by the app.
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "accounts/AccountProbe.h"
#include "accounts/AccountService.h"
#include "accounts/WatcherDirectory.h"
#include "common/Clock.h"
#include "common/Settings.h"
#include "common/TokenBucket.h"
#include "health/HealthModel.h"
#include "health/SmtpStats.h"
#include "quarantine/QuarantineService.h"
#include "store/AuditRepository.h"
#include "store/NotificationRepository.h"
#include "store/UserRepository.h"
#include "web/EventHub.h"
#include "web/LoginGuard.h"
#include "web/SecondFactor.h"
#include "web/SessionStore.h"

namespace mg::backup {
class BackupService;
}
namespace mg::quarantine {
class Retention;
}

namespace mg::web {

class RateLimiter {
 public:
  RateLimiter(const common::Clock& clock, unsigned perMinute) : clock_(clock), perMinute_(perMinute) {}
  // 0 when allowed, else the seconds to wait (for Retry-After).
  int64_t check(const std::string& key);
  void setPerMinute(unsigned perMinute);  // a configuration reload
  unsigned perMinute() const;

 private:
  const common::Clock& clock_;
  unsigned perMinute_;
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<common::TokenBucket>> buckets_;
};

struct ApiContext {
  // The settings in force now: a reload replaces them whole, so a request reads one
  // consistent copy (never a string being rewritten under it).
  std::function<std::shared_ptr<const common::Settings>()> settings;
  std::shared_ptr<quarantine::QuarantineService> quarantine;
  std::shared_ptr<store::UserRepository> users;
  std::shared_ptr<store::AuditRepository> audit;
  std::shared_ptr<store::NotificationRepository> notifications;
  std::shared_ptr<health::HealthModel> health;
  std::shared_ptr<health::SmtpStats> smtpStats;
  std::function<std::vector<common::ConfigProblem>()> configProblems;
  const common::Clock* clock = &common::SystemClock::instance();
  std::shared_ptr<RateLimiter> releaseLimiter;
  std::shared_ptr<accounts::AccountService> accounts;
  // Both null until the IMAP watcher exists: /accounts/{id}/test then answers 503 and
  // /watchers shows every account as stopped.
  accounts::AccountProbe* probe = nullptr;
  accounts::WatcherDirectory* watchers = nullptr;
  std::function<uint64_t()> storageBytesWritten;     // /proc/self/io write_bytes; null: not shown
  std::shared_ptr<backup::BackupService> backups;   // null: /backups answers 503
  std::shared_ptr<quarantine::Retention> retention;  // null: /retention answers 503
  std::shared_ptr<SessionStore> sessions;  // the web page's logins
  std::shared_ptr<LoginGuard> logins;
  std::string setupCodePath;  // data_dir/setup-code: POST /api/v1/setup checks it, then removes it
  std::shared_ptr<SecondFactor> secondFactor;  // the operators' optional TOTP
  std::string version;          // mailgate's
  int64_t startedAtMillis = 0;  // when the daemon started
  std::function<uint64_t()> diskFreeBytes;  // on the data dir's file system; null: not shown
  std::shared_ptr<EventHub> events;  // null: /api/v1/events answers 503
  std::string tlsFingerprint;   // of the web certificate ("SHA256:…"); "" over plain HTTP

  // Appends to the audit log; an entry the store refuses is logged in full instead (the
  // change it records has already been made).
  void auditAction(const std::string& user, const std::string& action, const std::string& details) const;
};

}  // namespace mg::web
