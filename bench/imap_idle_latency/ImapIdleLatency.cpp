// bench/imap_idle_latency: how long after another client's APPEND a message is in the
// Quarantine folder (moved and recorded), compared with how long Dovecot itself takes to tell
// an IDLEing client about the APPEND (the floor no watcher can beat). Then a 1,000-message
// burst. Prints one line per figure; docs/BENCHMARKS.md reports them as ratios.
#include <Poco/Logger.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

#include "DovecotFixture.h"
#include "TempDir.h"
#include "crypto/DeviceKey.h"
#include "crypto/SecretBox.h"
#include "quarantine/RuleBook.h"
#include "store/AccountRepository.h"
#include "store/AuditRepository.h"
#include "store/NotificationRepository.h"
#include "store/RuleRepository.h"
#include "store/WatcherStateRepository.h"
#include "watcher/ImapDeliveryPort.h"
#include "watcher/WatcherPool.h"

using namespace mg;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kSamples = 200;
constexpr int kBurst = 1000;
constexpr const char* kUser = "bench";
constexpr const char* kPassword = "bench-password-1";

double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

struct Stats {
  double median, p99;
};
Stats stats(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return {v[v.size() / 2], v[std::min(v.size() - 1, size_t(double(v.size()) * 0.99))]};
}

std::unique_ptr<imap::ImapClient> login(const imap::test::DovecotFixture& server) {
  auto c = std::make_unique<imap::ImapClient>(server.clientOptions());
  if (!c->connect().ok() || !c->login(kUser, kPassword).ok()) {
    std::fprintf(stderr, "cannot log in\n");
    std::exit(1);
  }
  return c;
}

}  // namespace

int main() {
  if (!imap::test::DovecotFixture::available()) {
    std::fprintf(stderr, "needs root and /usr/sbin/dovecot\n");
    return 77;
  }
  Poco::Logger::setLevel("", Poco::Message::PRIO_WARNING);
  imap::test::DovecotFixture server;
  server.addUser(kUser, kPassword);
  auto appender = login(server);
  int n = 0;
  auto message = [&n] {
    const std::string id = "<bench." + std::to_string(++n) + "@mailgate.test>";
    return imap::test::sampleMessage("bench " + std::to_string(n), id);
  };

  // 1. The floor: Dovecot's IDLE notification to a plain client.
  std::vector<double> floor;
  {
    auto idler = login(server);
    (void)idler->select("INBOX");
    for (int i = 0; i < kSamples; ++i) {
      std::atomic<bool> ready{false};
      Clock::time_point seen;
      std::thread t([&] {
        ready = true;
        auto a = idler->waitForActivity(std::chrono::seconds(10));
        seen = Clock::now();
        if (!a || a->kind != imap::Activity::Kind::Changed) std::fprintf(stderr, "idle: no change\n");
      });
      while (!ready) std::this_thread::yield();
      std::this_thread::sleep_for(std::chrono::milliseconds(5));  // let IDLE be entered
      const auto t0 = Clock::now();
      (void)appender->append("INBOX", message(), {}, std::nullopt);
      t.join();
      floor.push_back(ms(seen - t0));
    }
    (void)idler->select("INBOX");
    auto all = idler->uidSearch(imap::SearchCriteria().all());
    (void)idler->uidStore(imap::UidSet::of(all.value()), imap::StoreMode::Add, {"\\Deleted"});
    (void)idler->uidExpunge(imap::UidSet::of(all.value()));
    (void)idler->logout();
  }

  // 2. The gate: the same APPEND until the message is recorded with its Quarantine UID.
  test::TempDir dir;
  auto db = store::Database::open(dir.file("mailgate.db")).value();
  auto spool = std::make_shared<spool::Spool>(dir.file("spool"));
  (void)spool->init();
  auto messages = std::make_shared<store::MessageRepository>(db);
  auto audit = std::make_shared<store::AuditRepository>(db);
  auto notifier = std::make_shared<quarantine::Notifier>(std::make_shared<store::NotificationRepository>(db),
                                                         common::SystemClock::instance());
  quarantine::QuarantineService service({messages, audit, spool,
                                         std::make_shared<quarantine::RuleBook>(std::make_shared<store::RuleRepository>(db)),
                                         notifier, &common::SystemClock::instance(), nullptr},
                                        {});
  auto box = std::make_shared<const crypto::SecretBox>(crypto::DeviceKey::fromBytes(std::string(32, 'b')).value());
  accounts::AccountService accounts(std::make_shared<store::AccountRepository>(db), audit, box, nullptr);
  accounts::AccountChanges c;
  c.name = "bench";
  c.host = server.host();
  c.port = server.port();
  c.tls = "none";
  c.username = kUser;
  c.password = kPassword;
  c.intercept = "all";
  const int64_t accountId = accounts.create(c, "bench").account.id;
  store::WatcherStateRepository positions(db);
  watcher::WatcherPoolOptions o;
  o.client = server.clientOptions();
  watcher::WatcherPool pool(accounts, {&service, messages.get(), &positions, &common::SystemClock::instance()}, notifier, o);
  pool.start();
  while (pool.watchers().empty() || pool.watchers().front().state != "online") {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::mutex mu;
  std::vector<int64_t> accepted;
  service.subscribe([&](int64_t id, const std::string& status) {
    if (status != "held") return;
    std::lock_guard<std::mutex> lock(mu);
    accepted.push_back(id);
  });
  auto placedCount = [&](size_t from) {
    std::vector<int64_t> ids;
    {
      std::lock_guard<std::mutex> lock(mu);
      ids.assign(accepted.begin() + long(from), accepted.end());
    }
    size_t k = 0;
    for (int64_t id : ids) k += messages->get(id).value()->imapFolderUid > 0 ? 1 : 0;
    return k;
  };
  std::vector<double> gate;
  for (int i = 0; i < kSamples; ++i) {
    // A quiet mailbox before each APPEND: Dovecot batches change notifications for 0.5 s, and
    // the watcher's own MOVE of the previous message would otherwise carry this one along.
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
    size_t before;
    {
      std::lock_guard<std::mutex> lock(mu);
      before = accepted.size();
    }
    const auto t0 = Clock::now();
    (void)appender->append("INBOX", message(), {}, std::nullopt);
    while (placedCount(before) < 1) std::this_thread::sleep_for(std::chrono::microseconds(500));
    gate.push_back(ms(Clock::now() - t0));
  }

  // 3. A burst of 1,000 from one client, as fast as it can append.
  size_t before;
  {
    std::lock_guard<std::mutex> lock(mu);
    before = accepted.size();
  }
  const auto b0 = Clock::now();
  for (int i = 0; i < kBurst; ++i) (void)appender->append("INBOX", message(), {}, std::nullopt);
  const auto appended = Clock::now();
  while (placedCount(before) < size_t(kBurst)) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const auto b1 = Clock::now();
  pool.stop();
  (void)accountId;

  const Stats f = stats(floor), g = stats(gate);
  std::printf("dovecot_idle_notify_ms median=%.2f p99=%.2f (n=%d)\n", f.median, f.p99, kSamples);
  std::printf("append_to_quarantined_ms median=%.2f p99=%.2f (n=%d)\n", g.median, g.p99, kSamples);
  std::printf("ratio_to_floor median=%.1fx p99=%.1fx\n", g.median / f.median, g.p99 / f.p99);
  std::printf("burst_%d appending_ms=%.0f all_quarantined_ms=%.0f (after the first APPEND) throughput=%.0f msg/s "
              "append_rate=%.0f msg/s\n",
              kBurst, ms(appended - b0), ms(b1 - b0), kBurst / (ms(b1 - b0) / 1000.0), kBurst / (ms(appended - b0) / 1000.0));
  return 0;
}
