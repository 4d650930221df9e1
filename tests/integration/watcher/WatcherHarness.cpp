#include "WatcherHarness.h"

#include <Poco/Channel.h>
#include <Poco/Logger.h>
#include <Poco/Message.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "crypto/DeviceKey.h"
#include "crypto/SecretBox.h"
#include "quarantine/RuleBook.h"
#include "store/AccountRepository.h"
#include "store/AuditRepository.h"

namespace mg::watcher::test {

namespace {

// Every log line of the process, with its parameters (the structured fields), for the
// password grep.
class CaptureChannel : public Poco::Channel {
 public:
  void log(const Poco::Message& msg) override {
    std::lock_guard<std::mutex> lock(mu_);
    text_ += msg.getSource() + ": " + msg.getText();
    for (const char* k : {"MAILGATE_EVENT", "MAILGATE_EMAIL_ID", "MAILGATE_ACCOUNT"}) {
      if (msg.has(k)) text_ += std::string(" ") + k + "=" + msg.get(k);
    }
    text_ += "\n";
  }
  std::string text() {
    std::lock_guard<std::mutex> lock(mu_);
    return text_;
  }

 private:
  std::mutex mu_;
  std::string text_;
};

CaptureChannel* capture() {
  static Poco::AutoPtr<CaptureChannel> channel = [] {
    Poco::AutoPtr<CaptureChannel> c(new CaptureChannel);
    Poco::Logger::root().setChannel(c);
    Poco::Logger::setChannel("", c);
    Poco::Logger::setLevel("", Poco::Message::PRIO_DEBUG);
    return c;
  }();
  return channel.get();
}

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

std::string layoutName(const ::testing::TestParamInfo<NamespaceLayout>& info) {
  return info.param == NamespaceLayout::SlashNoPrefix ? "SlashNoPrefix" : "DotInboxPrefix";
}

std::string uniqueId(const std::string& what) {
  static std::atomic<int> n{0};
  return "<" + what + "." + std::to_string(getpid()) + "." + std::to_string(++n) + "@mailgate.test>";
}

bool waitFor(const std::function<bool()>& cond, int timeoutMs) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
  while (std::chrono::steady_clock::now() < deadline) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return cond();
}

std::string capturedLog() { return capture()->text(); }

void WatcherTest::startServer() {
  if (!DovecotFixture::available()) GTEST_SKIP() << "needs root and /usr/sbin/dovecot";
  DovecotOptions o = serverOptions();
  o.layout = layout();
  server_ = std::make_unique<DovecotFixture>(o);
  server_->addUser(kUser, kPassword);
  peer_ = server_.get();
}

void WatcherTest::SetUp() {
  capture();
  startServer();
  if (IsSkipped() || HasFatalFailure()) return;

  auto db = store::Database::open(dir_.file("mailgate.db"));
  ASSERT_TRUE(db.ok()) << db.errorMessage();
  db_ = db.value();
  spool_ = std::make_shared<spool::Spool>(dir_.file("spool"));
  auto spool = spool_;
  ASSERT_TRUE(spool->init().ok());
  messages_ = std::make_shared<store::MessageRepository>(db_);
  notifications_ = std::make_shared<store::NotificationRepository>(db_);
  ruleRepo_ = std::make_shared<store::RuleRepository>(db_);
  positions_ = std::make_shared<store::WatcherStateRepository>(db_);
  auto audit = std::make_shared<store::AuditRepository>(db_);
  notifier_ = std::make_shared<quarantine::Notifier>(notifications_, common::SystemClock::instance());
  quarantine::QuarantineDeps deps{messages_, audit, spool, std::make_shared<quarantine::RuleBook>(ruleRepo_), notifier_,
                                  &common::SystemClock::instance(), nullptr};
  quarantine_ = std::make_unique<quarantine::QuarantineService>(deps, quarantine::QuarantineOptions{});
  auto box = std::make_shared<const crypto::SecretBox>(crypto::DeviceKey::fromBytes(std::string(32, 'k')).value());
  accounts_ = std::make_unique<accounts::AccountService>(std::make_shared<store::AccountRepository>(db_), audit, box,
                                                         positions_);
}

void WatcherTest::TearDown() {
  if (pool_) pool_->stop();
  pool_.reset();
  if (!peer_) return;
  // The account password never reaches the database files or the logs.
  for (const char* f : {"mailgate.db", "mailgate.db-wal", "mailgate.db-shm"}) {
    EXPECT_EQ(readFile(dir_.file(f)).find(kPassword), std::string::npos) << f << " contains the account password";
  }
  EXPECT_EQ(capturedLog().find(kPassword), std::string::npos) << "the log contains the account password";
}

WatcherPoolOptions WatcherTest::poolOptions() const {
  WatcherPoolOptions o;
  o.client = peer_->clientOptions();
  o.watcher.pollSeconds = 1;
  o.watcher.idleRenewSeconds = 3;
  o.watcher.failureThreshold = 3;
  o.watcher.circuitResetMillis = 1500;
  o.watcher.backoffBaseMillis = 100;
  o.watcher.backoffMaxMillis = 400;
  o.pool.maxConnections = 2;
  o.pool.waitMillis = 10'000;
  o.housekeepingMillis = 500;
  return o;
}

int64_t WatcherTest::addAccount(const std::string& intercept, bool takeExisting) {
  accounts::AccountChanges c;
  c.name = "work";
  c.host = peer_->host();
  c.port = peer_->port();
  c.tls = "none";
  c.username = kUser;
  c.password = kPassword;
  c.intercept = intercept;
  if (takeExisting) c.takeExisting = true;
  auto r = accounts_->create(c, "tester");
  EXPECT_TRUE(r.ok()) << r.detail;
  return r.account.id;
}

void WatcherTest::startWatchers() {
  ScanDeps deps{quarantine_.get(), messages_.get(), positions_.get(), &common::SystemClock::instance()};
  pool_ = std::make_unique<WatcherPool>(*accounts_, deps, notifier_, poolOptions());
  port_ = std::make_unique<ImapDeliveryPort>(*pool_);
  quarantine_->setDeliveryPort("imap", port_.get());
  pool_->start();
}

std::string WatcherTest::state(int64_t accountId) {
  for (const auto& w : pool_->watchers()) {
    if (w.accountId == accountId) return w.state;
  }
  return "none";
}

bool WatcherTest::waitOnline(int64_t accountId, int timeoutMs) {
  return waitFor([&] { return state(accountId) == "online"; }, timeoutMs);
}

void WatcherTest::addRule(const std::string& name, const std::string& scope, rules::RuleMatch match) {
  rules::Rule r;
  r.name = name;
  r.scope = scope;
  r.match = std::move(match);
  r.action = "hold";
  ruleRepo_->insert(quarantine::RuleBook::toRecord(r)).value();
  quarantine_->ruleBook().invalidate();
}

std::unique_ptr<imap::ImapClient> WatcherTest::inspector() {
  auto c = std::make_unique<imap::ImapClient>(peer_->clientOptions());
  auto s = c->connect();
  EXPECT_TRUE(s.ok()) << s.message();
  s = c->login(kUser, kPassword);
  EXPECT_TRUE(s.ok()) << s.message();
  return c;
}

uint32_t WatcherTest::count(const std::string& mailbox) {
  auto c = inspector();
  auto st = c->examine(mailbox);
  (void)c->logout();
  return st ? st->exists : 0;
}

std::vector<uint32_t> WatcherTest::search(const std::string& mailbox, const imap::SearchCriteria& criteria) {
  auto c = inspector();
  auto st = c->examine(mailbox);
  if (!st) return {};
  auto r = c->uidSearch(criteria);
  (void)c->logout();
  return r ? r.value() : std::vector<uint32_t>{};
}

std::string WatcherTest::fetchOne(const std::string& mailbox, uint32_t uid) {
  auto c = inspector();
  if (!c->examine(mailbox)) return "";
  auto r = c->uidFetch(imap::UidSet::single(uid), imap::kFetchBody);
  (void)c->logout();
  return r && !r->empty() && r->front().body ? *r->front().body : "";
}

common::Result<imap::AppendResult> WatcherTest::appendToInbox(const std::string& subject, const std::string& messageId,
                                                              const std::vector<std::string>& flags) {
  return peer_->appendAs(kUser, kPassword, "INBOX", imap::test::sampleMessage(subject, messageId), flags);
}

common::Result<imap::AppendResult> WatcherTest::appendToInboxAt(const std::string& subject, const std::string& messageId,
                                                                int64_t internalDate) {
  auto c = inspector();
  auto r = c->append("INBOX", imap::test::sampleMessage(subject, messageId), {}, internalDate);
  (void)c->logout();
  return r;
}

std::vector<store::MessageRecord> WatcherTest::messages(const std::string& status) {
  store::MessageFilter f;
  f.status = status;
  f.limit = 5000;
  return messages_->list(f).value();
}

bool WatcherTest::waitForHeld(size_t n, int timeoutMs) {
  return waitFor([&] { return messages("held").size() >= n; }, timeoutMs);
}

bool WatcherTest::waitForPlaced(size_t n, int timeoutMs) {
  return waitFor([&] {
    const auto held = messages("held");
    return held.size() >= n &&
           std::all_of(held.begin(), held.end(), [](const auto& m) { return m.imapFolderUid > 0; });
  }, timeoutMs);
}

bool WatcherTest::waitScannedPast(int64_t accountId, uint32_t uid, int timeoutMs) {
  return waitFor([&] {
    auto p = positions_->get(accountId).value();
    return p && p->lastUid >= int64_t(uid);
  }, timeoutMs);
}

uint32_t WatcherTest::appendBarrier(int64_t accountId) {
  auto a = appendToInbox("barrier", uniqueId("barrier"));
  if (!a.ok() || a->uid == 0) return 0;
  pool_->wake(accountId);
  return waitScannedPast(accountId, a->uid) ? a->uid : 0;
}

int WatcherTest::notificationsOfType(const std::string& type) {
  int n = 0;
  for (const auto& x : notifications_->list(false, 500).value()) n += x.type == type ? 1 : 0;
  return n;
}

}  // namespace mg::watcher::test
