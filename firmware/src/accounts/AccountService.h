#pragma once
// IMAP accounts: validation, the sealed password, audit, and change notices for the watcher
// pool. The only place that seals or opens an account password (CONTRACT §3): the store
// holds the SecretBox blob, the API and the CLI never see either form, and the clear text
// exists only in an AccountSettings handed to the IMAP side (settingsFor / passwordFor).
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "accounts/Account.h"
#include "accounts/AccountProbe.h"
#include "common/Clock.h"
#include "common/Status.h"
#include "crypto/SecretBox.h"
#include "store/AccountRepository.h"
#include "store/AuditRepository.h"
#include "store/WatcherStateRepository.h"

namespace mg::accounts {

struct AccountResult {
  Failure failure = Failure::None;
  std::string detail;  // why, for anything but None; safe to show (never a password)
  Account account;     // the account after the change (before it, for a removal)
  bool ok() const { return failure == Failure::None; }
};

struct TestReport {
  Failure failure = Failure::None;  // NotFound, or Unusable when the stored password cannot be opened
  std::string detail;
  bool ok = false;  // every stage ran and passed
  std::vector<ProbeStage> stages;
};

class AccountService {
 public:
  // `positions` (the watchers' state) takes a take_existing request; may be null (no watchers).
  AccountService(std::shared_ptr<store::AccountRepository> accounts, std::shared_ptr<store::AuditRepository> audit,
                 std::shared_ptr<const crypto::SecretBox> secrets,
                 std::shared_ptr<store::WatcherStateRepository> positions,
                 const common::Clock* clock = &common::SystemClock::instance());

  common::Result<std::vector<Account>> list();
  common::Result<std::optional<Account>> get(int64_t id);

  // `actor` is who asks (user or token name), for the audit log.
  AccountResult create(const AccountChanges& changes, const std::string& actor);
  AccountResult update(int64_t id, const AccountChanges& changes, const std::string& actor);
  // Conflict while messages of the account are held or being released: without the account
  // they could never be moved back or released.
  AccountResult remove(int64_t id, const std::string& actor);
  // Runs the probe (blocking, outside any lock), records last_test_at / last_test_ok_at and
  // audits the outcome.
  TestReport test(int64_t id, AccountProbe& probe, const std::string& actor);

  // For the watcher: the clear password / the whole settings. An error says which account
  // and what to do (a device key that changed cannot open what the old one sealed).
  common::Result<std::string> passwordFor(int64_t id);
  common::Result<AccountSettings> settingsFor(int64_t id);

  // Told of every create, update and removal: (account id). Called after the change is
  // committed, outside the service's lock, so an observer may call back into the service.
  void subscribe(std::function<void(int64_t accountId)> fn);

  // The associated data a password blob is sealed with: it binds the blob to its row, so a
  // blob copied onto another account (with another host) does not open there.
  static std::string associatedData(int64_t accountId);

 private:
  static Account view(const store::AccountRecord& r);
  void audit(const std::string& actor, const std::string& action, const std::string& details);
  void notify(int64_t accountId);
  bool requestTakeExisting(int64_t accountId);

  std::shared_ptr<store::AccountRepository> accounts_;
  std::shared_ptr<store::AuditRepository> audit_;
  std::shared_ptr<store::WatcherStateRepository> positions_;
  std::shared_ptr<const crypto::SecretBox> secrets_;
  const common::Clock* clock_;
  std::mutex changeMu_;  // read-modify-write of one account at a time (PATCH merges)
  std::mutex observersMu_;
  std::vector<std::function<void(int64_t)>> observers_;
};

}  // namespace mg::accounts
