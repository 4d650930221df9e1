#include "relay/RelayPool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "common/Metrics.h"

using mg::common::ManualClock;
using mg::common::Metrics;
using mg::common::RelaySettings;
using mg::common::UpstreamSettings;
using mg::quarantine::DeliveryRequest;
using mg::relay::RelayPool;
using mg::relay::TransactionResult;
using Kind = TransactionResult::Kind;

namespace {

UpstreamSettings relay(const std::string& name, unsigned perMinute = 60) {
  UpstreamSettings u;
  u.name = name;
  u.host = name + ".example.net";
  u.port = 587;
  u.maxPerMinute = perMinute;
  return u;
}

TransactionResult ok() {
  TransactionResult r;
  r.kind = Kind::Delivered;
  r.reply = "250 2.0.0 Ok: queued";
  return r;
}

TransactionResult failure(const std::string& name, Kind kind, bool relayFault, const std::string& what) {
  TransactionResult r;
  r.kind = kind;
  r.relayFault = relayFault;
  r.reason = "upstream " + name + ": " + what;
  return r;
}

// Scripted upstreams: each name answers with its next queued result (the last one repeats),
// and every call is recorded in order.
class FakeUpstreams {
 public:
  void script(const std::string& name, std::vector<TransactionResult> results) { scripts_[name] = std::move(results); }
  mg::relay::Transport transport() {
    return [this](const UpstreamSettings& u, const DeliveryRequest&) {
      std::lock_guard<std::mutex> lock(mu_);
      calls_.push_back(u.name);
      auto& s = scripts_[u.name];
      const std::size_t i = std::min(used_[u.name]++, s.size() - 1);
      return s.at(i);
    };
  }
  std::vector<std::string> calls() {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_;
  }

 private:
  std::mutex mu_;
  std::map<std::string, std::vector<TransactionResult>> scripts_;
  std::map<std::string, std::size_t> used_;
  std::vector<std::string> calls_;
};

DeliveryRequest request() {
  static const std::string raw = "Subject: t\r\n\r\nhi\r\n";
  DeliveryRequest r;
  r.emailId = 42;
  r.mailFrom = "a@example.org";
  r.rcptTo = {"b@example.org"};
  r.raw = raw;
  return r;
}

}  // namespace

TEST(RelayPoolTest, NoUpstreamIsTemporaryFailure) {
  ManualClock clock;
  RelayPool pool({}, RelaySettings{}, "gate.local", clock, [](const auto&, const auto&) { return ok(); });
  const auto out = pool.deliver(request());
  EXPECT_FALSE(out.delivered);
  EXPECT_FALSE(out.permanent);
  EXPECT_EQ(out.reason, "no upstream relay configured");
}

TEST(RelayPoolTest, FirstRelayTakesItAndNoOtherIsTried) {
  ManualClock clock;
  FakeUpstreams fake;
  fake.script("p1", {ok()});
  fake.script("p2", {ok()});
  RelayPool pool({relay("p1"), relay("p2")}, RelaySettings{}, "gate.local", clock, fake.transport());
  const auto out = pool.deliver(request());
  EXPECT_TRUE(out.delivered);
  EXPECT_EQ(out.upstream, "p1");
  EXPECT_EQ(out.reason, "upstream p1: 250 2.0.0 Ok: queued");
  EXPECT_EQ(fake.calls(), std::vector<std::string>{"p1"});
}

TEST(RelayPoolTest, FailsOverInPriorityOrderOnTemporaryAndPermanent) {
  ManualClock clock;
  FakeUpstreams fake;
  fake.script("p1", {failure("p1", Kind::Temporary, true, "connect p1:587: Connection refused")});
  fake.script("p2", {failure("p2", Kind::Permanent, false, "MAIL FROM:<a@example.org>: 553 sender denied")});
  fake.script("p3", {ok()});
  RelayPool pool({relay("p1"), relay("p2"), relay("p3")}, RelaySettings{}, "gate.local", clock, fake.transport());
  const auto out = pool.deliver(request());
  EXPECT_TRUE(out.delivered);
  EXPECT_EQ(out.upstream, "p3");
  EXPECT_EQ(fake.calls(), (std::vector<std::string>{"p1", "p2", "p3"}));
}

TEST(RelayPoolTest, PermanentOnlyWhenEveryRelayAnswered5xx) {
  ManualClock clock;
  FakeUpstreams fake;
  fake.script("a", {failure("a", Kind::Permanent, false, "RCPT TO:<b@example.org>: 550 5.1.1 user unknown")});
  fake.script("b", {failure("b", Kind::Permanent, false, "RCPT TO:<b@example.org>: 550 5.1.1 no such user")});
  RelayPool pool({relay("a"), relay("b")}, RelaySettings{}, "gate.local", clock, fake.transport());
  const auto out = pool.deliver(request());
  EXPECT_FALSE(out.delivered);
  EXPECT_TRUE(out.permanent);
  EXPECT_EQ(out.upstream, "b");
  EXPECT_EQ(out.reason,
            "upstream a: RCPT TO:<b@example.org>: 550 5.1.1 user unknown; "
            "upstream b: RCPT TO:<b@example.org>: 550 5.1.1 no such user");
}

TEST(RelayPoolTest, OneTemporaryFailureMakesTheOutcomeTemporary) {
  ManualClock clock;
  FakeUpstreams fake;
  fake.script("a", {failure("a", Kind::Permanent, false, "550 no")});
  fake.script("b", {failure("b", Kind::Temporary, true, "greeting: timed out after 30 s")});
  RelayPool pool({relay("a"), relay("b")}, RelaySettings{}, "gate.local", clock, fake.transport());
  const auto out = pool.deliver(request());
  EXPECT_FALSE(out.delivered);
  EXPECT_FALSE(out.permanent);
  EXPECT_NE(out.reason.find("upstream a: 550 no"), std::string::npos);
  EXPECT_NE(out.reason.find("upstream b: greeting: timed out after 30 s"), std::string::npos);
}

TEST(RelayPoolTest, EmptyBucketSkipsToNextRelayUntilRefilled) {
  ManualClock clock;
  FakeUpstreams fake;
  fake.script("a", {ok()});
  fake.script("b", {ok()});
  RelayPool pool({relay("a", 1), relay("b")}, RelaySettings{}, "gate.local", clock, fake.transport());
  EXPECT_EQ(pool.deliver(request()).upstream, "a");
  EXPECT_EQ(pool.deliver(request()).upstream, "b");  // a's one token per minute is used up
  clock.advance(60'000);
  EXPECT_EQ(pool.deliver(request()).upstream, "a");
}

TEST(RelayPoolTest, AllRelaysOverTheirRateIsTemporaryRateLimited) {
  ManualClock clock;
  FakeUpstreams fake;
  fake.script("a", {ok()});
  fake.script("b", {ok()});
  RelayPool pool({relay("a", 1), relay("b", 1)}, RelaySettings{}, "gate.local", clock, fake.transport());
  EXPECT_TRUE(pool.deliver(request()).delivered);
  EXPECT_TRUE(pool.deliver(request()).delivered);
  const auto out = pool.deliver(request());
  EXPECT_FALSE(out.delivered);
  EXPECT_FALSE(out.permanent);
  EXPECT_EQ(out.reason.rfind("rate limited: upstream a: over max_per_minute=1", 0), 0u) << out.reason;
  EXPECT_NE(out.reason.find("upstream b: over max_per_minute=1 (next in 60 s)"), std::string::npos) << out.reason;
  EXPECT_EQ(fake.calls().size(), 2u);
}

TEST(RelayPoolTest, ZeroMaxPerMinuteMeansNoLimit) {
  ManualClock clock;
  FakeUpstreams fake;
  fake.script("a", {ok()});
  RelayPool pool({relay("a", 0)}, RelaySettings{}, "gate.local", clock, fake.transport());
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(pool.deliver(request()).delivered);
}

TEST(RelayPoolTest, BreakerOpensOnRelayFaultsAndIsSkippedUntilReset) {
  ManualClock clock;
  FakeUpstreams fake;
  fake.script("a", {failure("a", Kind::Temporary, true, "connect: refused"),
                    failure("a", Kind::Temporary, true, "connect: refused"), ok()});
  fake.script("b", {ok()});
  RelaySettings rs;
  rs.circuitFailures = 2;
  rs.circuitResetSeconds = 60;
  RelayPool pool({relay("a"), relay("b")}, rs, "gate.local", clock, fake.transport());
  EXPECT_EQ(pool.deliver(request()).upstream, "b");
  EXPECT_EQ(pool.deliver(request()).upstream, "b");  // second failure of a opens its circuit
  auto st = pool.status();
  EXPECT_EQ(st[0].circuit, "open");
  EXPECT_FALSE(st[0].up);
  EXPECT_EQ(st[0].consecutiveFailures, 2u);
  EXPECT_EQ(st[0].lastError, "upstream a: connect: refused");
  EXPECT_EQ(pool.deliver(request()).upstream, "b");  // a is skipped, not tried
  EXPECT_EQ(fake.calls(), (std::vector<std::string>{"a", "b", "a", "b", "b"}));
  clock.advance(60'000);
  EXPECT_EQ(pool.deliver(request()).upstream, "a");  // the half-open trial succeeds
  st = pool.status();
  EXPECT_EQ(st[0].circuit, "closed");
  EXPECT_TRUE(st[0].up);
  EXPECT_EQ(st[0].consecutiveFailures, 0u);
  EXPECT_EQ(st[0].lastError, "");
}

TEST(RelayPoolTest, MessageRejectionsDoNotOpenTheCircuit) {
  ManualClock clock;
  FakeUpstreams fake;
  fake.script("a", {failure("a", Kind::Permanent, false, "RCPT TO:<x@y>: 550 5.1.1 user unknown")});
  RelaySettings rs;
  rs.circuitFailures = 1;
  RelayPool pool({relay("a")}, rs, "gate.local", clock, fake.transport());
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(pool.deliver(request()).permanent);
  const auto st = pool.status();
  EXPECT_EQ(st[0].circuit, "closed");
  EXPECT_TRUE(st[0].up);
  EXPECT_EQ(fake.calls().size(), 3u);
}

TEST(RelayPoolTest, OnlyOpenCircuitsLeftIsNoUpstreamAvailable) {
  ManualClock clock;
  FakeUpstreams fake;
  fake.script("a", {failure("a", Kind::Temporary, true, "connect: refused")});
  RelaySettings rs;
  rs.circuitFailures = 1;
  RelayPool pool({relay("a")}, rs, "gate.local", clock, fake.transport());
  EXPECT_FALSE(pool.deliver(request()).delivered);
  const auto out = pool.deliver(request());
  EXPECT_FALSE(out.permanent);
  EXPECT_EQ(out.reason, "no upstream available: upstream a: circuit open after 1 consecutive failures");
}

TEST(RelayPoolTest, SkippedRelayKeepsOutcomeTemporaryEvenIfTriedOnesSaid5xx) {
  ManualClock clock;
  FakeUpstreams fake;
  fake.script("a", {ok()});
  fake.script("b", {failure("b", Kind::Permanent, false, "550 no")});
  RelayPool pool({relay("a", 1), relay("b")}, RelaySettings{}, "gate.local", clock, fake.transport());
  EXPECT_TRUE(pool.deliver(request()).delivered);
  const auto out = pool.deliver(request());  // a rate-limited, b refuses
  EXPECT_FALSE(out.delivered);
  EXPECT_FALSE(out.permanent);
}

TEST(RelayPoolTest, ThrowingTransportIsATemporaryRelayFault) {
  ManualClock clock;
  RelayPool pool({relay("a")}, RelaySettings{}, "gate.local", clock,
                 [](const auto&, const auto&) -> TransactionResult { throw std::runtime_error("boom"); });
  const auto out = pool.deliver(request());
  EXPECT_FALSE(out.delivered);
  EXPECT_FALSE(out.permanent);
  EXPECT_EQ(out.reason, "upstream a: boom");
  EXPECT_FALSE(pool.status()[0].up);
}

TEST(RelayPoolTest, StatusAndUpMetric) {
  ManualClock clock;
  FakeUpstreams fake;
  fake.script("metric-a", {failure("metric-a", Kind::Temporary, true, "connect: refused"), ok()});
  RelayPool pool({relay("metric-a")}, RelaySettings{}, "gate.local", clock, fake.transport());
  auto st = pool.status();
  ASSERT_EQ(st.size(), 1u);
  EXPECT_EQ(st[0].name, "metric-a");
  EXPECT_EQ(st[0].address, "metric-a.example.net:587");
  EXPECT_TRUE(st[0].up);
  EXPECT_EQ(st[0].lastAttemptMillis, 0);
  EXPECT_EQ(Metrics::global().value("mailgate_upstream_up", {{"name", "metric-a"}}), 1.0);
  (void)pool.deliver(request());
  EXPECT_EQ(Metrics::global().value("mailgate_upstream_up", {{"name", "metric-a"}}), 0.0);
  EXPECT_EQ(pool.status()[0].lastAttemptMillis, clock.nowMillis());
  (void)pool.deliver(request());
  EXPECT_EQ(Metrics::global().value("mailgate_upstream_up", {{"name", "metric-a"}}), 1.0);
  EXPECT_NE(Metrics::global().render().find("mailgate_upstream_up{name=\"metric-a\"} 1"), std::string::npos);
}

TEST(RelayPoolTest, ConcurrentDeliveriesShareTheBucket) {
  ManualClock clock;
  FakeUpstreams fake;
  fake.script("a", {ok()});
  fake.script("b", {ok()});
  RelayPool pool({relay("a", 10), relay("b", 1000)}, RelaySettings{}, "gate.local", clock, fake.transport());
  std::atomic<int> delivered{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 25; ++i) {
        if (pool.deliver(request()).delivered) ++delivered;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(delivered.load(), 200);
  const auto calls = fake.calls();
  EXPECT_EQ(std::count(calls.begin(), calls.end(), "a"), 10);
  EXPECT_EQ(std::count(calls.begin(), calls.end(), "b"), 190);
}

TEST(RelayPoolTest, ReconfigureTakesEffectForTheNextDeliveryAndKeepsUnchangedRelaysState) {
  ManualClock clock;
  FakeUpstreams fake;
  fake.script("p1", {failure("p1", Kind::Temporary, true, "connect p1:587: Connection refused")});
  fake.script("p2", {ok()});
  fake.script("p3", {ok()});
  RelayPool pool({relay("p1"), relay("p2")}, RelaySettings{}, "gate.local", clock, fake.transport());
  ASSERT_TRUE(pool.deliver(request()).delivered);
  ASSERT_FALSE(pool.status().at(0).up);  // p1 failed and is known to be down

  // p1 stays as it was (same settings), p2 goes, p3 comes first by priority.
  UpstreamSettings p3 = relay("p3");
  p3.priority = 1;
  pool.reconfigure({p3, relay("p1")}, RelaySettings{});
  ASSERT_EQ(pool.size(), 2u);
  const auto status = pool.status();
  EXPECT_EQ(status.at(0).name, "p3");
  EXPECT_EQ(status.at(1).name, "p1");
  EXPECT_FALSE(status.at(1).up) << "an unchanged relay keeps what is known about it";
  const auto out = pool.deliver(request());
  EXPECT_TRUE(out.delivered);
  EXPECT_EQ(out.upstream, "p3");
  EXPECT_EQ(fake.calls(), (std::vector<std::string>{"p1", "p2", "p3"}));

  // p2 is gone: so is its series (no "relay down" alert for a relay that no longer exists).
  const std::string text = Metrics::global().render();
  EXPECT_EQ(text.find("mailgate_upstream_up{name=\"p2\"}"), std::string::npos) << text;
  EXPECT_NE(text.find("mailgate_upstream_up{name=\"p3\"}"), std::string::npos) << text;

  // A changed relay starts afresh.
  UpstreamSettings moved = relay("p1");
  moved.host = "p1-new.example.net";
  pool.reconfigure({moved}, RelaySettings{});
  EXPECT_TRUE(pool.status().at(0).up);
  EXPECT_EQ(pool.status().at(0).address, "p1-new.example.net:587");
}
