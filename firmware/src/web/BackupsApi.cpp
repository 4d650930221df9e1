// /api/v1/backups (list, make one now) and /api/v1/retention (what retention would remove now).
#include <Poco/JSON/Array.h>

#include "backup/BackupService.h"
#include "quarantine/Retention.h"
#include "web/ApiServer.h"

namespace mg::web {
namespace {

Poco::JSON::Object::Ptr backupJson(const backup::BackupFile& f) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
  o->set("name", f.name);
  o->set("path", f.path);
  o->set("size", static_cast<Poco::UInt64>(f.size));
  o->set("created_at", isoTime(f.createdAt));
  return o;
}

Poco::JSON::Array::Ptr candidatesJson(const std::vector<store::PurgeCandidate>& list, bool held) {
  Poco::JSON::Array::Ptr a = new Poco::JSON::Array;
  for (const auto& c : list) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("id", static_cast<Poco::Int64>(c.id));
    o->set("status", c.status);
    o->set("subject", c.subject);
    if (!held) o->set("done_at", isoTime(c.updatedAt));
    o->set("spool_files", static_cast<Poco::UInt64>(c.spoolNames.size()));
    a->add(o);
  }
  return a;
}

}  // namespace

void addBackupRoutes(Router& r, ApiContext& c) {
  r.add("GET", "/api/v1/backups", Access::Reader, [&c](RequestContext& ctx) {
    if (!c.backups) return ctx.sendProblem(503, "Backups unavailable", "the backup service is not running");
    const auto st = c.backups->status();
    const auto cfg = c.backups->settings();
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    for (const auto& f : c.backups->list()) items->add(backupJson(f));
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("items", items);
    o->set("dir", cfg.dir);
    o->set("keep", cfg.keep);
    o->set("max_total_bytes", static_cast<Poco::UInt64>(cfg.maxTotalBytes));
    o->set("interval_hours", cfg.intervalHours);
    o->set("total_bytes", static_cast<Poco::UInt64>(st.totalBytes));
    o->set("last_success_at", st.lastSuccessAt ? Poco::Dynamic::Var(isoTime(st.lastSuccessAt)) : Poco::Dynamic::Var());
    o->set("last_error", st.lastError.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(st.lastError));
    o->set("next_due_at", st.nextDueAt ? Poco::Dynamic::Var(isoTime(st.nextDueAt)) : Poco::Dynamic::Var());
    ctx.sendJson(200, o);
  });

  r.add("POST", "/api/v1/backups", Access::Admin, [&c](RequestContext& ctx) {
    if (!c.backups) return ctx.sendProblem(503, "Backups unavailable", "the backup service is not running");
    auto made = c.backups->makeNow("request by " + ctx.principal->name);
    if (!made) return ctx.sendProblem(500, "Backup failed", made.errorMessage());
    c.auditAction(ctx.principal->name, "backup.create", "{\"name\":\"" + made->file.name + "\"}");
    Poco::JSON::Object::Ptr o = backupJson(made->file);
    o->set("messages", static_cast<Poco::Int64>(made->manifest.messages));
    o->set("held", static_cast<Poco::Int64>(made->manifest.held));
    o->set("spool_files", static_cast<Poco::UInt64>(made->manifest.files.size() - 1));
    Poco::JSON::Array::Ptr missing = new Poco::JSON::Array;
    for (const auto& m : made->manifest.missingSpool) missing->add(m);
    o->set("missing_spool", missing);
    Poco::JSON::Array::Ptr rotated = new Poco::JSON::Array;
    for (const auto& f : made->rotated) rotated->add(f.name);
    o->set("rotated", rotated);
    ctx.sendJson(201, o);
  });

  // A dry run: changes nothing (`mailgatectl retention --dry-run`).
  r.add("GET", "/api/v1/retention", Access::Reader, [&c](RequestContext& ctx) {
    if (!c.retention) return ctx.sendProblem(503, "Retention unavailable", "retention is not running");
    auto limit = ctx.intQuery("limit", 100, 1, 1000);
    if (!limit) return;
    auto plan = c.retention->plan(static_cast<int>(*limit));
    if (!ctx.storeAnswered(plan)) return;
    const auto p = c.retention->policy();
    Poco::JSON::Object::Ptr policy = new Poco::JSON::Object;
    policy->set("done_max_age_days", p.doneMaxAgeDays);
    policy->set("done_max_messages", static_cast<Poco::UInt64>(p.doneMaxMessages));
    policy->set("held_max_age_days", p.heldMaxAgeDays);
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("policy", policy);
    o->set("purge", candidatesJson(plan->purge, false));
    o->set("expire", candidatesJson(plan->expire, true));
    o->set("limit", *limit);
    ctx.sendJson(200, o);
  });
}

}  // namespace mg::web
