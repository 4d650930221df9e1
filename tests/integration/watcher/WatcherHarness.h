#pragma once
// One Dovecot, one temp data dir (database, spool), the real quarantine service, an account
// service with a test device key, the watcher pool and the IMAP release port — the daemon's
// wiring for the IMAP side, without HTTP. Logs are captured so tests can grep them.
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "DovecotFixture.h"
#include "TempDir.h"
#include "accounts/AccountService.h"
#include "quarantine/QuarantineService.h"
#include "store/NotificationRepository.h"
#include "store/RuleRepository.h"
#include "store/WatcherStateRepository.h"
#include "watcher/ImapDeliveryPort.h"
#include "watcher/QuarantineFolder.h"
#include "watcher/WatcherPool.h"

namespace mg::watcher::test {

using imap::test::DovecotFixture;
using imap::test::DovecotOptions;
using imap::test::NamespaceLayout;

inline constexpr const char* kUser = "alice";
inline constexpr const char* kPassword = "Pw-4f9c1e-never-in-logs";

std::string layoutName(const ::testing::TestParamInfo<NamespaceLayout>& info);
std::string uniqueId(const std::string& what);  // "<what.pid.n@mailgate.test>"
bool waitFor(const std::function<bool()>& cond, int timeoutMs = 10'000);
std::string capturedLog();

class WatcherTest : public ::testing::TestWithParam<NamespaceLayout> {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Starts the test's IMAP server and sets peer_ (Dovecot by default, in server_).
  virtual void startServer();
  virtual DovecotOptions serverOptions() const { return {}; }
  virtual NamespaceLayout layout() const { return GetParam(); }
  virtual WatcherPoolOptions poolOptions() const;

  // Creates the account (pointing at the test server) and starts the watcher pool.
  int64_t addAccount(const std::string& intercept = "all", bool takeExisting = false);
  void startWatchers();
  bool waitOnline(int64_t accountId, int timeoutMs = 10'000);
  std::string state(int64_t accountId);
  void addRule(const std::string& name, const std::string& scope, rules::RuleMatch match);

  // Another client, as the account's user.
  std::unique_ptr<imap::ImapClient> inspector();
  uint32_t count(const std::string& mailbox);  // messages in it (EXAMINE)
  std::vector<uint32_t> search(const std::string& mailbox, const imap::SearchCriteria& c);
  std::string fetchOne(const std::string& mailbox, uint32_t uid);  // the whole message
  common::Result<imap::AppendResult> appendToInbox(const std::string& subject, const std::string& messageId,
                                                   const std::vector<std::string>& flags = {});
  // With the INTERNALDATE the server is to record (Unix seconds): mail that "arrived" then.
  common::Result<imap::AppendResult> appendToInboxAt(const std::string& subject, const std::string& messageId,
                                                     int64_t internalDate);
  std::string quarantineName() const { return peer_->folder("Quarantine"); }

  std::vector<store::MessageRecord> messages(const std::string& status = "");
  bool waitForHeld(size_t n, int timeoutMs = 10'000);
  // Held and placed: n held rows, each moved into Quarantine with its new UID recorded
  // (a row is held before the move, so counting folders after waitForHeld alone races).
  bool waitForPlaced(size_t n, int timeoutMs = 10'000);
  // The positive sign that the watcher looked at every INBOX message up to `uid`: its saved
  // position (written only after a batch is moved and recorded) reached it.
  bool waitScannedPast(int64_t accountId, uint32_t uid, int timeoutMs = 10'000);
  // Appends a plain message and waits until the watcher scanned past it: whatever arrived
  // before it has been looked at. Its UID, or 0 on failure. (In intercept "all" it is held.)
  uint32_t appendBarrier(int64_t accountId);
  int notificationsOfType(const std::string& type);

  mg::test::TempDir dir_;
  std::unique_ptr<DovecotFixture> server_;
  imap::test::TestImapServer* peer_ = nullptr;  // the server the watcher talks to
  std::shared_ptr<store::Database> db_;
  std::shared_ptr<spool::Spool> spool_;
  std::shared_ptr<store::MessageRepository> messages_;
  std::shared_ptr<store::NotificationRepository> notifications_;
  std::shared_ptr<store::RuleRepository> ruleRepo_;
  std::shared_ptr<store::WatcherStateRepository> positions_;
  std::shared_ptr<quarantine::Notifier> notifier_;
  std::unique_ptr<quarantine::QuarantineService> quarantine_;
  std::unique_ptr<accounts::AccountService> accounts_;
  std::unique_ptr<WatcherPool> pool_;
  std::unique_ptr<ImapDeliveryPort> port_;
  quarantine::Actor actor_{"tester", "admin"};
};

}  // namespace mg::watcher::test
