// GET /api/v1/status: what the dashboard shows, in one answer: health with each check's
// detail, held mail and the age of the oldest, watchers, disk and SD writes, last backup,
// unacknowledged notifications, and the web certificate's fingerprint.
#include <Poco/JSON/Object.h>

#include "backup/BackupService.h"
#include "web/ApiServer.h"

namespace mg::web {

namespace {

Poco::JSON::Object::Ptr healthJson(const health::HealthReport& report) {
  Poco::JSON::Object::Ptr checks = new Poco::JSON::Object;
  for (const auto& [name, result] : report.checks) {
    Poco::JSON::Object::Ptr x = new Poco::JSON::Object;
    x->set("state", health::toString(result.state));
    x->set("detail", result.detail);
    checks->set(name, x);
  }
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
  o->set("status", health::toString(report.overall));
  o->set("reason", report.reason);
  o->set("checks", checks);
  return o;
}

Poco::Dynamic::Var timeOrNull(int64_t millis) { return millis ? Poco::Dynamic::Var(isoTime(millis)) : Poco::Dynamic::Var(); }

}  // namespace

void addStatusRoutes(Router& r, ApiContext& c) {
  r.add("GET", "/api/v1/status", Access::Reader, [&c](RequestContext& ctx) {
    const int64_t now = c.clock->nowMillis();
    auto counts = c.quarantine->messages().countByStatus();
    if (!ctx.storeAnswered(counts)) return;
    auto oldest = c.quarantine->messages().oldestReceivedAt("held");
    if (!ctx.storeAnswered(oldest)) return;
    auto unacked = c.notifications->list(true, 1000);
    if (!ctx.storeAnswered(unacked)) return;

    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("version", c.version);
    o->set("started_at", isoTime(c.startedAtMillis));
    o->set("uptime_seconds", static_cast<Poco::Int64>((now - c.startedAtMillis) / 1000));
    o->set("health", healthJson(c.health->evaluate()));

    Poco::JSON::Object::Ptr held = new Poco::JSON::Object;
    const auto h = counts->find("held");
    held->set("count", static_cast<Poco::Int64>(h == counts->end() ? 0 : h->second));
    held->set("oldest_received_at", timeOrNull(oldest.value()));
    o->set("held", held);

    Poco::JSON::Object::Ptr watchers = new Poco::JSON::Object;
    unsigned online = 0, total = 0;
    if (c.watchers) {
      for (const auto& w : c.watchers->watchers()) {
        ++total;
        online += w.state == "online";
      }
    }
    watchers->set("online", online);
    watchers->set("total", total);
    o->set("watchers", watchers);

    Poco::JSON::Object::Ptr disk = new Poco::JSON::Object;
    disk->set("free_bytes", c.diskFreeBytes ? Poco::Dynamic::Var(static_cast<Poco::UInt64>(c.diskFreeBytes())) : Poco::Dynamic::Var());
    disk->set("min_free_bytes", static_cast<Poco::UInt64>(c.settings()->health.diskMinFreeBytes));
    o->set("disk", disk);

    if (c.storageBytesWritten) {
      const double written = static_cast<double>(c.storageBytesWritten());
      // At least an hour: a rate from the first seconds after start would be noise.
      const double days = std::max<double>(3'600'000.0, static_cast<double>(now - c.startedAtMillis)) / 86'400'000.0;
      Poco::JSON::Object::Ptr storage = new Poco::JSON::Object;
      storage->set("bytes_written", static_cast<Poco::UInt64>(written));
      storage->set("bytes_written_per_day", written / days);
      o->set("storage", storage);
    } else {
      o->set("storage", Poco::Dynamic::Var());
    }

    if (c.backups) {
      const auto files = c.backups->list();
      if (!files.empty()) {
        Poco::JSON::Object::Ptr b = new Poco::JSON::Object;
        b->set("at", isoTime(files.front().createdAt));
        b->set("file", files.front().name);
        b->set("size", static_cast<Poco::UInt64>(files.front().size));
        o->set("last_backup", b);
      } else {
        o->set("last_backup", Poco::Dynamic::Var());
      }
    } else {
      o->set("last_backup", Poco::Dynamic::Var());
    }

    Poco::JSON::Object::Ptr notes = new Poco::JSON::Object;
    unsigned critical = 0;
    for (const auto& n : unacked.value()) critical += n.severity == "critical";
    notes->set("unacked", static_cast<Poco::UInt64>(unacked->size()));
    notes->set("unacked_critical", critical);
    o->set("notifications", notes);
    o->set("tls_fingerprint", c.tlsFingerprint.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(c.tlsFingerprint));
    ctx.sendJson(200, o);
  });
}

}  // namespace mg::web
