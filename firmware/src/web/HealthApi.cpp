// /healthz (no auth, no secrets), /healthz/config, /api/v1/smtp/health, /metrics.
#include <Poco/JSON/Array.h>

#include <algorithm>

#include "common/Metrics.h"
#include "web/ApiServer.h"

namespace mg::web {

void addHealthRoutes(Router& r, ApiContext& c) {
  r.add("GET", "/healthz", Access::Public, [&c](RequestContext& ctx) {
    const auto report = c.health->evaluate();
    Poco::JSON::Object::Ptr checks = new Poco::JSON::Object;
    for (const auto& [name, result] : report.checks) checks->set(name, health::toString(result.state));
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("status", health::toString(report.overall));
    o->set("checks", checks);
    ctx.sendJson(report.overall == health::State::Failed ? 503 : 200, o);
  });

  r.add("GET", "/healthz/config", Access::Reader, [&c](RequestContext& ctx) {
    Poco::JSON::Array::Ptr problems = new Poco::JSON::Array;
    for (const auto& p : c.configProblems()) {
      Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
      o->set("key", p.key);
      o->set("problem", p.problem);
      o->set("hint", p.hint);
      problems->add(o);
    }
    // Live check details (why disk or upstream is not ok) belong here, behind auth.
    Poco::JSON::Object::Ptr checks = new Poco::JSON::Object;
    for (const auto& [name, result] : c.health->evaluate().checks) {
      Poco::JSON::Object::Ptr x = new Poco::JSON::Object;
      x->set("state", health::toString(result.state));
      x->set("detail", result.detail);
      checks->set(name, x);
    }
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("ok", problems->size() == 0);
    o->set("problems", problems);
    o->set("checks", checks);
    ctx.sendJson(200, o);
  });

  r.add("GET", "/api/v1/smtp/health", Access::Reader, [&c](RequestContext& ctx) {
    const auto& s = *c.smtpStats;
    const int64_t now = c.clock->nowMillis();
    const int64_t messages = s.messages.load();
    const int64_t errors = s.errors.load();
    const auto report = c.health->evaluate();
    std::string smtpState = "ok";
    for (const auto& [name, result] : report.checks) {
      if (name == "smtp") smtpState = health::toString(result.state);
    }
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("status", smtpState);
    o->set("start_time", isoTime(s.startMillis));
    o->set("uptime_seconds", static_cast<Poco::Int64>((now - s.startMillis) / 1000));
    o->set("message_count", static_cast<Poco::Int64>(messages));
    o->set("error_count", static_cast<Poco::Int64>(errors));
    o->set("error_rate", messages + errors == 0 ? 0.0 : static_cast<double>(errors) / static_cast<double>(messages + errors));
    if (s.lastMessageMillis.load()) o->set("last_message", isoTime(s.lastMessageMillis.load()));
    else o->set("last_message", Poco::Dynamic::Var());
    // SD card wear since start: in all, per day of uptime, per accepted message.
    if (c.storageBytesWritten) {
      const double written = static_cast<double>(c.storageBytesWritten());
      const double days = std::max(1.0, static_cast<double>(now - s.startMillis)) / 86'400'000.0;
      Poco::JSON::Object::Ptr storage = new Poco::JSON::Object;
      storage->set("bytes_written", static_cast<Poco::UInt64>(written));
      storage->set("bytes_written_per_day", written / days);
      storage->set("bytes_written_per_message", messages ? Poco::Dynamic::Var(written / static_cast<double>(messages))
                                                         : Poco::Dynamic::Var());
      o->set("storage", storage);
    }
    ctx.sendJson(200, o);
  });

  r.add("GET", "/metrics", Access::Public, [](RequestContext& ctx) {
    ctx.sendText(200, "text/plain; version=0.0.4; charset=utf-8", common::Metrics::global().render());
  });
}

}  // namespace mg::web
