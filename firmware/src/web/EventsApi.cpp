// GET /api/v1/events: Server-Sent Events (text/event-stream) from the EventHub. The stream
// holds its worker thread until the client goes, the session ends or the daemon stops; a
// comment line every kKeepaliveMillis finds a vanished client and keeps proxies from closing.
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/Net/NetException.h>

#include <sstream>

#include "common/Log.h"
#include "common/Metrics.h"
#include "web/ApiServer.h"
#include "web/EventFeed.h"

namespace mg::web {

namespace {

constexpr int64_t kKeepaliveMillis = 15'000;

class StreamPlace {
 public:
  StreamPlace(EventHub& hub, std::string address) : hub_(hub), address_(std::move(address)) {}
  ~StreamPlace() { hub_.closeStream(address_); }

 private:
  EventHub& hub_;
  std::string address_;
};

uint64_t resumeFrom(RequestContext& ctx) {
  // EventSource sends Last-Event-ID on reconnect; ?last_event_id= serves clients that cannot.
  std::string text = ctx.request().get("Last-Event-ID", ctx.query("last_event_id"));
  if (text.empty() || text.size() > 20) return 0;
  uint64_t v = 0;
  for (char ch : text) {
    if (ch < '0' || ch > '9') return 0;
    v = v * 10 + static_cast<uint64_t>(ch - '0');
  }
  return v;
}

bool stillAllowed(ApiContext& c, const Principal& p) {
  if (p.sessionCookie.empty()) return true;  // a bearer token: checked when the stream began
  return c.sessions->peek(p.sessionCookie).has_value();
}

}  // namespace

void addEventRoutes(Router& r, ApiContext& c) {
  r.add("GET", "/api/v1/events", Access::Reader, [&c](RequestContext& ctx) {
    if (!c.events) return ctx.sendProblem(503, "Events unavailable", "the event stream is not running");
    const std::string address = ctx.request().clientAddress().host().toString();
    if (!c.events->openStream(address)) {
      common::Metrics::global().increment("mailgate_rate_limited_total", {{"endpoint", "web_events"}});
      ctx.response().set("Retry-After", "30");
      return ctx.sendProblem(429, "Too many event streams",
                             "at most " + std::to_string(EventHub::kMaxStreams) + " event streams (" +
                                 std::to_string(EventHub::kMaxStreamsPerAddress) + " per address); close a tab");
    }
    StreamPlace place(*c.events, address);
    uint64_t last = resumeFrom(ctx);
    auto& response = ctx.response();
    response.setStatus(Poco::Net::HTTPResponse::HTTP_OK);
    response.setContentType("text/event-stream; charset=utf-8");
    response.set("Cache-Control", "no-store");
    response.setChunkedTransferEncoding(true);
    response.setKeepAlive(false);  // the connection ends with the stream
    try {
      std::ostream& out = response.send();
      out << "retry: 3000\n\n" << std::flush;
      while (out.good()) {
        auto batch = c.events->next(last, kKeepaliveMillis);
        if (batch.closed) break;
        // Carries an id of its own, so the client's Last-Event-ID moves past what it lost.
        if (batch.resync) out << "id: " << batch.last << "\nevent: resync\ndata: {}\n\n";
        for (const auto& e : batch.events) out << "id: " << e.id << "\nevent: " << e.name << "\ndata: " << e.data << "\n\n";
        if (!batch.resync && batch.events.empty()) out << ": keepalive\n\n";
        last = batch.last;
        out.flush();
        if (!stillAllowed(c, *ctx.principal)) break;  // logged out or expired: the stream ends too
      }
    } catch (const Poco::Exception& e) {
      common::logger("web").debug("event stream to " + address + " ended: " + e.displayText());
    } catch (const std::exception& e) {
      common::logger("web").debug(std::string("event stream to ") + address + " ended: " + e.what());
    }
  });
}

std::string eventJson(std::initializer_list<std::pair<const char*, Poco::Dynamic::Var>> fields) {
  Poco::JSON::Object o;
  for (const auto& [k, v] : fields) o.set(k, v);
  std::ostringstream out;
  Poco::JSON::Stringifier::condense(o, out);
  return out.str();
}

void feedEvents(const std::shared_ptr<EventHub>& hub, quarantine::QuarantineService& quarantine,
                quarantine::Notifier& notifier, accounts::WatcherDirectory* watchers) {
  std::weak_ptr<EventHub> weak = hub;
  quarantine.subscribe([weak](int64_t id, const std::string& status) {
    if (auto h = weak.lock()) h->publish("message", eventJson({{"id", static_cast<Poco::Int64>(id)}, {"status", status}}));
  });
  notifier.subscribe([weak](const store::Notification& n) {
    if (auto h = weak.lock()) {
      h->publish("notification", eventJson({{"id", static_cast<Poco::Int64>(n.id)}, {"type", n.type},
                                            {"severity", n.severity}, {"message", n.message}}));
    }
  });
  if (watchers == nullptr) return;
  // Watcher states change on the watchers' threads without a notification of their own: the
  // hub looks once a second and tells what changed.
  auto seen = std::make_shared<std::map<int64_t, std::string>>();
  hub->addPoller([weak, watchers, seen] {
    auto h = weak.lock();
    if (!h) return;
    std::map<int64_t, std::string> now;
    for (const auto& w : watchers->watchers()) now[w.accountId] = w.state;
    for (const auto& [id, state] : now) {
      auto it = seen->find(id);
      if (it == seen->end() || it->second != state) {
        h->publish("watcher", eventJson({{"account_id", static_cast<Poco::Int64>(id)}, {"state", state}}));
      }
    }
    for (const auto& [id, state] : *seen) {
      if (!now.count(id)) h->publish("watcher", eventJson({{"account_id", static_cast<Poco::Int64>(id)}, {"state", "stopped"}}));
    }
    *seen = std::move(now);
  });
}

void feedHealth(EventHub& hub, const std::string& status, const std::string& reason) {
  hub.publish("health", eventJson({{"status", status}, {"reason", reason}}));
}

}  // namespace mg::web
