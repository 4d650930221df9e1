// /api/v1/accounts (IMAP accounts: read by any operator, changed and tested by admins) and
// /api/v1/watchers. A password is accepted on create and update and never sent back, in
// any form: not even masked, so no client can mistake a mask for the value and save it.
#include <Poco/JSON/Array.h>

#include <map>
#include <set>

#include "common/Text.h"
#include "web/ApiServer.h"

namespace mg::web {

namespace {

using accounts::Failure;
using Poco::JSON::Object;

Poco::Dynamic::Var timeOrNull(int64_t millis) {
  if (millis <= 0) return Poco::Dynamic::Var();
  return isoTime(millis);
}

Object::Ptr accountJson(const accounts::Account& a) {
  Object::Ptr o = new Object;
  o->set("id", static_cast<Poco::Int64>(a.id));
  o->set("name", a.name);
  o->set("host", a.host);
  o->set("port", a.port);
  o->set("tls", a.tls);
  o->set("username", a.username);
  o->set("quarantine_folder", a.quarantineFolder);
  o->set("intercept", a.intercept);
  o->set("enabled", a.enabled);
  o->set("created_at", timeOrNull(a.createdAt));
  o->set("updated_at", timeOrNull(a.updatedAt));
  o->set("last_test_ok_at", timeOrNull(a.lastTestOkAt));
  o->set("last_test_at", timeOrNull(a.lastTestAt));
  return o;
}

// The fields a client may send. The read-only ones are accepted and ignored so that an
// object from GET can be edited and sent back whole; anything else is most likely a typo
// ("quarantineFolder") that would otherwise be dropped without a word.
const std::set<std::string> kWritable = {
    "name", "host", "port", "tls", "username", "password", "quarantine_folder", "intercept", "enabled",
    "take_existing"};
// The string fields, by name.
const std::map<std::string, std::optional<std::string> accounts::AccountChanges::*> kText = {
    {"name", &accounts::AccountChanges::name},
    {"host", &accounts::AccountChanges::host},
    {"tls", &accounts::AccountChanges::tls},
    {"username", &accounts::AccountChanges::username},
    {"password", &accounts::AccountChanges::password},
    {"quarantine_folder", &accounts::AccountChanges::quarantineFolder},
    {"intercept", &accounts::AccountChanges::intercept}};
const std::set<std::string> kReadOnly = {"id", "created_at", "updated_at", "last_test_ok_at", "last_test_at"};

// The body → changes; the error names the field, never its value (it may be the password).
common::Result<accounts::AccountChanges> changesFrom(const Object::Ptr& body) {
  using R = common::Result<accounts::AccountChanges>;
  accounts::AccountChanges c;
  for (const auto& [key, value] : *body) {
    if (kReadOnly.count(key) != 0) continue;
    if (kWritable.count(key) == 0) return R::error("unknown field '" + common::sanitize(key, 64) + "'");
    if (key == "password" && value.isEmpty()) continue;  // null: keep the stored one
    if (key == "port") {
      if (!value.isInteger()) return R::error("'port' must be a whole number from 1 to 65535");
      c.port = value.convert<Poco::Int64>();
      continue;
    }
    if (key == "enabled") {
      if (!value.isBoolean()) return R::error("'enabled' must be true or false");
      c.enabled = value.convert<bool>();
      continue;
    }
    if (key == "take_existing") {  // write-only: a request, not a setting
      if (!value.isBoolean()) return R::error("'take_existing' must be true or false");
      c.takeExisting = value.convert<bool>();
      continue;
    }
    if (!value.isString()) return R::error("'" + key + "' must be a string");
    c.*kText.at(key) = value.convert<std::string>();
  }
  return c;
}

void sendFailure(RequestContext& ctx, Failure f, const std::string& detail) {
  switch (f) {
    case Failure::NotFound:
      return ctx.sendProblem(404, "Not found", detail);
    case Failure::Conflict:
      return ctx.sendProblem(409, "Conflict", detail);
    case Failure::Invalid:
      return ctx.sendProblem(422, "Invalid account", detail);
    case Failure::Unusable:
      return ctx.sendProblem(409, "Stored password unusable", detail);
    case Failure::Unavailable:
      return ctx.sendStoreUnavailable(detail);
    case Failure::None:
      break;
  }
  ctx.sendProblem(500, "Internal error", detail);
}

Object::Ptr watcherJson(const accounts::Account& a, const accounts::WatcherStatus* w, bool watcherBuilt) {
  Object::Ptr o = new Object;
  o->set("account_id", static_cast<Poco::Int64>(a.id));
  o->set("name", a.name);
  if (w == nullptr) {
    // Honest about what is not there: no watcher means nobody is looking at this mailbox.
    o->set("state", "stopped");
    o->set("idle", false);
    o->set("last_heartbeat", Poco::Dynamic::Var());
    o->set("last_error", !watcherBuilt ? "watcher not running"
                         : a.enabled   ? "watcher not started"
                                       : "account disabled");
    o->set("consecutive_failures", 0);
    return o;
  }
  o->set("state", w->state);
  o->set("idle", w->idle);
  o->set("last_heartbeat", timeOrNull(w->lastHeartbeat));
  o->set("last_error", w->lastError.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(w->lastError));
  o->set("consecutive_failures", static_cast<Poco::UInt64>(w->consecutiveFailures));
  if (!w->note.empty()) o->set("note", w->note);
  return o;
}

}  // namespace

void addAccountRoutes(Router& r, ApiContext& c) {
  r.add("GET", "/api/v1/accounts", Access::Reader, [&c](RequestContext& ctx) {
    auto all = c.accounts->list();
    if (!ctx.storeAnswered(all)) return;
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    for (const auto& a : all.value()) items->add(accountJson(a));
    Object::Ptr o = new Object;
    o->set("items", items);
    ctx.sendJson(200, o);
  });

  r.add("POST", "/api/v1/accounts", Access::Admin, [&c](RequestContext& ctx) {
    auto body = ctx.readJsonObject();
    if (!body) return;
    auto changes = changesFrom(body);
    if (!changes) return ctx.sendProblem(422, "Invalid account", changes.errorMessage());
    auto result = c.accounts->create(*changes, ctx.principal->name);
    if (!result.ok()) return sendFailure(ctx, result.failure, result.detail);
    ctx.response().set("Location", "/api/v1/accounts/" + std::to_string(result.account.id));
    ctx.sendJson(201, accountJson(result.account));
  });

  r.add("GET", "/api/v1/accounts/{id}", Access::Reader, [&c](RequestContext& ctx) {
    auto id = ctx.intParam("id");
    if (!id) return;
    auto read = c.accounts->get(*id);
    if (!ctx.storeAnswered(read)) return;
    const auto& a = read.value();
    if (!a) return ctx.sendProblem(404, "Not found", "no account " + std::to_string(*id));
    ctx.sendJson(200, accountJson(*a));
  });

  r.add("PATCH", "/api/v1/accounts/{id}", Access::Admin, [&c](RequestContext& ctx) {
    auto id = ctx.intParam("id");
    if (!id) return;
    auto body = ctx.readJsonObject();
    if (!body) return;
    auto changes = changesFrom(body);
    if (!changes) return ctx.sendProblem(422, "Invalid account", changes.errorMessage());
    auto result = c.accounts->update(*id, *changes, ctx.principal->name);
    if (!result.ok()) return sendFailure(ctx, result.failure, result.detail);
    ctx.sendJson(200, accountJson(result.account));
  });

  r.add("DELETE", "/api/v1/accounts/{id}", Access::Admin, [&c](RequestContext& ctx) {
    auto id = ctx.intParam("id");
    if (!id) return;
    auto result = c.accounts->remove(*id, ctx.principal->name);
    if (!result.ok()) return sendFailure(ctx, result.failure, result.detail);
    ctx.response().setStatus(Poco::Net::HTTPResponse::HTTP_NO_CONTENT);
    ctx.response().send();
  });

  r.add("POST", "/api/v1/accounts/{id}/test", Access::Admin, [&c](RequestContext& ctx) {
    auto id = ctx.intParam("id");
    if (!id) return;
    auto read = c.accounts->get(*id);
    if (!ctx.storeAnswered(read)) return;
    if (!read.value()) return ctx.sendProblem(404, "Not found", "no account " + std::to_string(*id));
    if (c.probe == nullptr) {
      return ctx.sendProblem(503, "Service unavailable", "the IMAP watcher is not available in this build");
    }
    auto report = c.accounts->test(*id, *c.probe, ctx.principal->name);
    if (report.failure != Failure::None) return sendFailure(ctx, report.failure, report.detail);
    Poco::JSON::Array::Ptr stages = new Poco::JSON::Array;
    for (const auto& s : report.stages) {
      Object::Ptr st = new Object;
      st->set("name", s.name);
      st->set("ok", s.ok);
      st->set("ms", static_cast<Poco::Int64>(s.ms));
      if (!s.error.empty()) st->set("error", s.error);
      stages->add(st);
    }
    Object::Ptr o = new Object;
    o->set("account_id", static_cast<Poco::Int64>(*id));
    o->set("ok", report.ok);
    o->set("stages", stages);
    ctx.sendJson(200, o);
  });

  r.add("GET", "/api/v1/watchers", Access::Reader, [&c](RequestContext& ctx) {
    std::vector<accounts::WatcherStatus> known;
    if (c.watchers != nullptr) known = c.watchers->watchers();
    auto all = c.accounts->list();
    if (!ctx.storeAnswered(all)) return;
    Poco::JSON::Array::Ptr out = new Poco::JSON::Array;
    // One entry per account, in the accounts' order; a watcher of an account deleted a
    // moment ago is left out.
    for (const auto& a : all.value()) {
      const accounts::WatcherStatus* found = nullptr;
      for (const auto& w : known) {
        if (w.accountId == a.id) found = &w;
      }
      out->add(watcherJson(a, found, c.watchers != nullptr));
    }
    ctx.sendJson(200, out);
  });
}

}  // namespace mg::web
