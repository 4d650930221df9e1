#include "led/HealthFollower.h"

#include <poll.h>

#include <dbus/Mailgate1Proxy.h>
#include <sdbus-c++/sdbus-c++.h>

#include <chrono>

namespace mg::led {

namespace {
constexpr const char* kName = "org.mailgate.Mailgate1";
constexpr const char* kPath = "/org/mailgate/Mailgate1";
constexpr auto kRetry = std::chrono::seconds(2);
constexpr auto kPollEvery = std::chrono::seconds(1);

// The generated proxy: HealthChanged arrives here on the follower's thread.
class MailgateProxy final : public sdbus::ProxyInterfaces<org::mailgate::Mailgate1_proxy> {
 public:
  MailgateProxy(sdbus::IConnection& c, std::function<void(const std::string&)> onHealth)
      : ProxyInterfaces(c, kName, kPath), onHealth_(std::move(onHealth)) {
    registerProxy();
  }
  ~MailgateProxy() { unregisterProxy(); }

  // Health with a short timeout: a daemon stopped with SIGSTOP must not hold the LED for the
  // bus's 25-second default.
  std::string healthNow() {
    sdbus::Variant v;
    getProxy()
        .callMethod("Get")
        .onInterface("org.freedesktop.DBus.Properties")
        .withTimeout(std::chrono::seconds(2))
        .withArguments(std::string(INTERFACE_NAME), std::string("Health"))
        .storeResultsTo(v);
    return v.get<std::string>();
  }

 private:
  void onHealthChanged(const std::string& health, const std::string&) override { onHealth_(health); }
  std::function<void(const std::string&)> onHealth_;
};
}  // namespace

HealthFollower::HealthFollower(std::string bus, OnState onState) : bus_(std::move(bus)), onState_(std::move(onState)) {}

HealthFollower::~HealthFollower() { stop(); }

void HealthFollower::start() {
  if (running_.exchange(true)) return;
  thread_ = std::thread([this] { run(); });
}

void HealthFollower::stop() {
  running_ = false;
  if (thread_.joinable()) thread_.join();
}

void HealthFollower::report(LedState s, const std::string& why) {
  if (reported_ && s == last_ && why == lastWhy_) return;
  reported_ = true;
  last_ = s;
  lastWhy_ = why;
  onState_(s, why);
}

void HealthFollower::run() {
  const auto sleepRetry = [this] {
    const auto until = std::chrono::steady_clock::now() + kRetry;
    while (running_ && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  };
  while (running_) {
    std::unique_ptr<sdbus::IConnection> connection;
    std::unique_ptr<MailgateProxy> proxy;
    std::unique_ptr<sdbus::IProxy> busProxy;
    bool askNow = true;
    try {
      connection = bus_ == "session" ? sdbus::createSessionBusConnection() : sdbus::createSystemBusConnection();
      proxy = std::make_unique<MailgateProxy>(*connection, [this](const std::string& h) {
        report(stateFromHealth(h), "mailgated says " + h);
      });
      busProxy = sdbus::createProxy(*connection, "org.freedesktop.DBus", "/org/freedesktop/DBus");
      busProxy->uponSignal("NameOwnerChanged")
          .onInterface("org.freedesktop.DBus")
          .call([this, &askNow](const std::string& name, const std::string&, const std::string& owner) {
            if (name != kName) return;
            if (owner.empty()) report(LedState::Absent, "mailgated left the bus");
            else askNow = true;
          });
      busProxy->finishRegistration();
    } catch (const std::exception& e) {
      busProxy.reset();
      proxy.reset();
      connection.reset();
      report(LedState::Absent, std::string("no bus: ") + e.what());
      sleepRetry();
      continue;
    }
    try {
      auto nextAsk = std::chrono::steady_clock::now();
      while (running_) {
        if (askNow || std::chrono::steady_clock::now() >= nextAsk) {
          askNow = false;
          nextAsk = std::chrono::steady_clock::now() + kPollEvery;
          try {
            const std::string h = proxy->healthNow();
            report(stateFromHealth(h), "mailgated says " + h);
          } catch (const sdbus::Error& e) {
            const std::string n = e.getName();
            if (n == "org.freedesktop.DBus.Error.ServiceUnknown" || n == "org.freedesktop.DBus.Error.NameHasNoOwner") {
              report(LedState::Absent, "mailgated is not on the bus");
            } else if (n == "org.freedesktop.DBus.Error.NoReply" || n == "org.freedesktop.DBus.Error.Timeout") {
              report(LedState::Absent, "mailgated does not answer on the bus");
            } else {
              throw;  // the connection itself: reconnect
            }
          }
        }
        const auto pd = connection->getEventLoopPollData();
        pollfd fd{pd.fd, pd.events, 0};
        poll(&fd, 1, 200);
        while (connection->processPendingRequest()) {
        }
        if (fd.revents & (POLLHUP | POLLERR)) throw std::runtime_error("the bus closed the connection");
      }
    } catch (const std::exception& e) {
      report(LedState::Absent, std::string("lost the bus: ") + e.what());
    }
    busProxy.reset();
    proxy.reset();
    connection.reset();
    if (running_) sleepRetry();
  }
}

}  // namespace mg::led
