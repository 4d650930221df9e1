#pragma once
// Wiring of mailgated: owns every long-lived object, starts them in dependency order and
// stops them in reverse. Nothing here decides mail policy; it only connects modules.
#include <memory>
#include <string>

#include "app/DataDir.h"
#include "common/Settings.h"
#include "common/Status.h"

namespace mg::store { class Database; class UserRepository; class AuditRepository; class NotificationRepository; }
namespace mg::crypto { class SecretBox; }
namespace mg::accounts { class AccountService; }
namespace mg::spool { class Spool; }
namespace mg::quarantine { class QuarantineService; class Scheduler; class Notifier; }
namespace mg::relay { class RelayPool; }
namespace mg::smtp { class SmtpServer; }
namespace mg::web { class ApiServer; }
namespace mg::health { class HealthModel; struct SmtpStats; }
namespace mg::store { class WatcherStateRepository; }
namespace mg::watcher { class WatcherPool; class ImapDeliveryPort; class ImapAccountProbe; }

namespace mg::app {

class GateDelegate;

class Daemon {
 public:
  Daemon(common::Settings settings, std::string configPath);
  ~Daemon();

  // Starts everything; an error is one line naming the key or file at fault.
  common::Status start();
  void stop();

 private:
  common::Status openStorage();
  common::Status prepareTls(std::string& webCert, std::string& webKey);
  void registerHealthChecks();
  void startWatchers();
  common::Status writeCliToken();
  void writeSetupCodeIfNeeded();

  common::Settings settings_;
  std::string configPath_;
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
  std::unique_ptr<quarantine::Scheduler> scheduler_;
  std::unique_ptr<relay::RelayPool> relays_;
  std::shared_ptr<health::HealthModel> health_;
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
