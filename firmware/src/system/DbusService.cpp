#include "system/DbusService.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <dbus/Mailgate1Adaptor.h>
#include <sdbus-c++/sdbus-c++.h>

#include <vector>

#include "common/Log.h"

namespace mg::system {

namespace {

Poco::Logger& log() { return common::logger("dbus"); }

// The generated adaptor, answering from the service's published snapshot. Method handlers
// run on the bus thread (the daemon's reload is serialised on its own).
class MailgateObject final : public sdbus::AdaptorInterfaces<org::mailgate::Mailgate1_adaptor> {
 public:
  MailgateObject(sdbus::IConnection& connection, const DbusService& service)
      : AdaptorInterfaces(connection, DbusService::kPath), service_(service) {
    registerAdaptor();
  }
  ~MailgateObject() { unregisterAdaptor(); }

  void emitChanged(const std::vector<std::string>& properties) {
    getObject().emitPropertiesChangedSignal(INTERFACE_NAME, properties);
  }

 private:
  static std::string answer(const std::function<BusReply()>& handler, const char* what) {
    if (!handler) throw sdbus::Error("org.mailgate.Mailgate1.Error.NotAvailable", std::string(what) + " is not available");
    BusReply r;
    try {
      r = handler();
    } catch (const std::exception& e) {
      // sdbus-c++ 1.2 turns only sdbus::Error into a reply; anything else would unwind
      // through sd-bus's C frames.
      throw sdbus::Error("org.mailgate.Mailgate1.Error.Failed", e.what());
    }
    if (!r.errorName.empty()) throw sdbus::Error(r.errorName, r.errorMessage);
    return r.value;
  }
  void Reload() override { answer(service_.handlers().reload, "Reload"); }
  std::string BackupNow() override { return answer(service_.handlers().backupNow, "BackupNow"); }
  std::string Health() override { return health::toString(service_.published().health); }
  std::string HealthReason() override { return service_.published().reason; }
  uint32_t HeldCount() override { return service_.published().held; }
  uint32_t WatchersOnline() override { return service_.published().watchersOnline; }
  uint32_t WatchersTotal() override { return service_.published().watchersTotal; }
  std::string Version() override { return service_.version(); }
  uint64_t StartedAt() override { return service_.startedAtMicros(); }

  const DbusService& service_;
};

// The properties whose values differ between two snapshots.
std::vector<std::string> changedProperties(const health::HealthSnapshot& a, const health::HealthSnapshot& b) {
  std::vector<std::string> out;
  if (a.health != b.health) out.emplace_back("Health");
  if (a.reason != b.reason) out.emplace_back("HealthReason");
  if (a.held != b.held) out.emplace_back("HeldCount");
  if (a.watchersOnline != b.watchersOnline) out.emplace_back("WatchersOnline");
  if (a.watchersTotal != b.watchersTotal) out.emplace_back("WatchersTotal");
  return out;
}

}  // namespace

DbusService::DbusService(std::string bus, std::string version, uint64_t startedAtMicros, DbusHandlers handlers,
                         int64_t reconnectMillis)
    : bus_(std::move(bus)),
      version_(std::move(version)),
      startedAtMicros_(startedAtMicros),
      handlers_(std::move(handlers)),
      reconnectMillis_(reconnectMillis) {
  wakeFd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
}

DbusService::~DbusService() {
  stop();
  if (wakeFd_ >= 0) close(wakeFd_);
}

void DbusService::start() {
  if (running_.exchange(true)) return;
  thread_ = std::thread([this] { run(); });
}

void DbusService::stop() {
  if (!running_.exchange(false)) return;
  wake();
  if (thread_.joinable()) thread_.join();
}

void DbusService::publish(const health::HealthSnapshot& snapshot) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    pending_ = snapshot;
  }
  wake();
}

health::HealthSnapshot DbusService::published() const {
  std::lock_guard<std::mutex> lock(mu_);
  return published_;
}

void DbusService::wake() {
  const uint64_t one = 1;
  if (wakeFd_ >= 0 && write(wakeFd_, &one, sizeof one) < 0) {
    // EAGAIN: the counter is full, the thread wakes anyway.
  }
}

void DbusService::drainWake() {
  uint64_t drained = 0;
  if (read(wakeFd_, &drained, sizeof drained) < 0) {
    // EAGAIN: nothing was pending.
  }
}

void DbusService::waitForWake(int64_t millis) {
  pollfd p{wakeFd_, POLLIN, 0};
  poll(&p, 1, static_cast<int>(millis));
  drainWake();
}

void DbusService::run() {
  const std::string where = bus_ == "session" ? "the session bus" : "the system bus";
  bool saidAbsent = false;
  bool everConnected = false;
  while (running_) {
    std::unique_ptr<sdbus::IConnection> connection;
    std::unique_ptr<MailgateObject> object;
    try {
      connection = bus_ == "session" ? sdbus::createSessionBusConnection() : sdbus::createSystemBusConnection();
      connection->requestName(kName);
      object = std::make_unique<MailgateObject>(*connection, *this);
    } catch (const std::exception& e) {
      object.reset();
      connection.reset();
      if (!saidAbsent) {
        // Once per outage: the journal and /healthz still carry the health meanwhile.
        common::logEvent(log(), Poco::Message::PRIO_WARNING, {"dbus", 0, ""},
                         "D-Bus: cannot publish " + std::string(kName) + " on " + where + " (" + e.what() +
                             "); running without it and retrying every " + std::to_string(reconnectMillis_ / 1000) +
                             " s (the LED agent shows 'daemon absent' meanwhile)");
        saidAbsent = true;
      }
      waitForWake(reconnectMillis_);
      continue;
    }
    connected_ = true;
    common::logEvent(log(), Poco::Message::PRIO_NOTICE, {"dbus", 0, ""},
                     std::string(everConnected ? "D-Bus: back on " : "D-Bus: published ") +
                         (everConnected ? where + " as " + kName : std::string(kName) + " on " + where));
    saidAbsent = false;
    everConnected = true;
    try {
      while (running_) {
        // The newest snapshot, if any, becomes the properties' values: one PropertiesChanged
        // for what changed, and HealthChanged when the health or its reason did.
        std::optional<health::HealthSnapshot> next;
        health::HealthSnapshot before;
        {
          std::lock_guard<std::mutex> lock(mu_);
          next.swap(pending_);
          before = published_;
          if (next) published_ = *next;
        }
        if (next) {
          const auto changed = changedProperties(before, *next);
          if (!changed.empty()) object->emitChanged(changed);
          if (next->health != before.health || next->reason != before.reason) {
            object->emitHealthChanged(health::toString(next->health), next->reason);
          }
        }
        const auto pd = connection->getEventLoopPollData();
        pollfd fds[2] = {{pd.fd, pd.events, 0}, {wakeFd_, POLLIN, 0}};
        int timeout = 1000;
        if (const auto rel = pd.getRelativeTimeout()) {
          timeout = static_cast<int>(std::min<int64_t>(timeout, std::chrono::duration_cast<std::chrono::milliseconds>(*rel).count()));
        }
        poll(fds, 2, timeout);
        if (fds[1].revents & POLLIN) drainWake();
        while (connection->processPendingRequest()) {
        }
        if (fds[0].revents & (POLLHUP | POLLERR)) throw sdbus::Error("org.freedesktop.DBus.Error.Disconnected", "the bus closed the connection");
      }
    } catch (const std::exception& e) {
      common::logEvent(log(), Poco::Message::PRIO_WARNING, {"dbus", 0, ""},
                       std::string("D-Bus: lost ") + where + " (" + e.what() + "); reconnecting");
      saidAbsent = true;  // the loss was just said; the retries stay quiet
    }
    connected_ = false;
    try {
      object.reset();
      connection.reset();
    } catch (const std::exception&) {
    }
    {
      // Everything is published afresh on the next connection.
      std::lock_guard<std::mutex> lock(mu_);
      if (!pending_) pending_ = published_;
      published_ = health::HealthSnapshot{};
    }
    if (running_) waitForWake(reconnectMillis_ / 5);
  }
}

}  // namespace mg::system
