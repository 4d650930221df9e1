// /api/v1/tokens, /users (admin), /notifications, /audit.
#include <Poco/JSON/Array.h>

#include "crypto/PasswordHash.h"
#include "crypto/TokenHash.h"
#include "web/ApiServer.h"
#include "web/UserRules.h"

namespace mg::web {

namespace {

Poco::JSON::Object::Ptr userJson(const store::UserRecord& u) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
  o->set("username", u.username);
  o->set("role", u.role);
  o->set("created_at", isoTime(u.createdAt));
  o->set("totp", u.totpOn());
  return o;
}

void addTokenRoutes(Router& r, ApiContext& c) {
  r.add("POST", "/api/v1/tokens", Access::Admin, [&c](RequestContext& ctx) {
    auto body = ctx.readJsonObject();
    if (!body) return;
    const std::string name = textField(body, "name");
    const std::string role = textField(body, "role").empty() ? "reviewer" : textField(body, "role");
    if (name.empty() || name.size() > 64) return ctx.sendProblem(422, "Invalid token", "'name' is required (at most 64 characters)");
    if (!validRole(role)) return ctx.sendProblem(422, "Invalid token", "'role' must be admin or reviewer");
    const std::string token = crypto::TokenHash::generateToken();
    store::TokenRecord t{0, name, crypto::TokenHash::hashToken(token), role, ctx.principal->name, c.clock->nowMillis(), 0};
    auto added = c.users->addToken(t);
    if (!ctx.storeAnswered(added)) return;
    t.id = added.value();
    c.auditAction(ctx.principal->name, "token.create", "{\"id\":" + std::to_string(t.id) + ",\"role\":\"" + role + "\"}");
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("id", static_cast<Poco::Int64>(t.id));
    o->set("name", name);
    o->set("role", role);
    o->set("token", token);  // shown this once; only its hash is stored
    ctx.sendJson(201, o);
  });
  r.add("GET", "/api/v1/tokens", Access::Admin, [&c](RequestContext& ctx) {
    auto all = c.users->tokens();
    if (!ctx.storeAnswered(all)) return;
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    for (const auto& t : all.value()) {
      Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
      o->set("id", static_cast<Poco::Int64>(t.id));
      o->set("name", t.name);
      o->set("role", t.role);
      o->set("created_by", t.createdBy);
      o->set("created_at", isoTime(t.createdAt));
      o->set("last_used_at", isoTime(t.lastUsedAt));
      items->add(o);
    }
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("items", items);
    ctx.sendJson(200, o);
  });
  r.add("DELETE", "/api/v1/tokens/{id}", Access::Admin, [&c](RequestContext& ctx) {
    auto id = ctx.intParam("id");
    if (!id) return;
    auto removed = c.users->removeToken(*id);
    if (!ctx.storeAnswered(removed)) return;
    if (!removed.value()) return ctx.sendProblem(404, "Not found", "no token " + std::to_string(*id));
    c.auditAction(ctx.principal->name, "token.delete", "{\"id\":" + std::to_string(*id) + "}");
    ctx.response().setStatus(Poco::Net::HTTPResponse::HTTP_NO_CONTENT);
    ctx.response().send();
  });
}

void addUserRoutes(Router& r, ApiContext& c) {
  r.add("GET", "/api/v1/users", Access::Admin, [&c](RequestContext& ctx) {
    auto all = c.users->users();
    if (!ctx.storeAnswered(all)) return;
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    for (const auto& u : all.value()) items->add(userJson(u));
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("items", items);
    ctx.sendJson(200, o);
  });
  r.add("POST", "/api/v1/users", Access::Admin, [&c](RequestContext& ctx) {
    auto body = ctx.readJsonObject();
    if (!body) return;
    store::UserRecord u;
    u.username = textField(body, "username");
    u.role = textField(body, "role");
    const std::string password = textField(body, "password");
    if (auto problem = userProblem(u.username, u.role, password); !problem.empty()) {
      return ctx.sendProblem(422, "Invalid user", problem);
    }
    u.passwordHash = crypto::PasswordHash::hash(password);
    u.createdAt = c.clock->nowMillis();
    auto added = c.users->addUser(u);
    if (!ctx.storeAnswered(added)) return;
    if (!added.value()) return ctx.sendProblem(409, "Conflict", "user '" + u.username + "' exists");
    c.auditAction(ctx.principal->name, "user.create", "{\"username\":\"" + u.username + "\",\"role\":\"" + u.role + "\"}");
    ctx.sendJson(201, userJson(u));
  });
  r.add("PATCH", "/api/v1/users/{name}", Access::Admin, [&c](RequestContext& ctx) {
    const std::string name = ctx.params["name"];
    auto body = ctx.readJsonObject();
    if (!body) return;
    std::optional<std::string> hash, role;
    if (body->has("role")) {
      role = textField(body, "role");
      if (!validRole(*role)) return ctx.sendProblem(422, "Invalid user", "'role' must be admin or reviewer");
    }
    if (body->has("password")) {
      const std::string password = textField(body, "password");
      if (utf8Length(password) < kMinPasswordChars) return ctx.sendProblem(422, "Invalid user", "a password needs at least 10 characters");
      hash = crypto::PasswordHash::hash(password);
    }
    auto updated = c.users->updateUser(name, hash, role);
    if (!ctx.storeAnswered(updated)) return;
    if (!updated.value()) return ctx.sendProblem(404, "Not found", "no user '" + name + "'");
    // A new password ends the user's sessions (a stolen cookie dies with the old password);
    // a new role needs nothing: each request reads the role from the store.
    if (hash) c.sessions->removeUser(name);
    c.auditAction(ctx.principal->name, "user.update",
                  std::string("{\"username\":\"") + name + "\",\"password_changed\":" + (hash ? "true" : "false") + "}");
    auto user = c.users->findUser(name);
    if (!ctx.storeAnswered(user)) return;
    if (!user.value()) return ctx.sendProblem(404, "Not found", "no user '" + name + "'");  // removed meanwhile
    ctx.sendJson(200, userJson(*user.value()));
  });
  r.add("DELETE", "/api/v1/users/{name}", Access::Admin, [&c](RequestContext& ctx) {
    const std::string name = ctx.params["name"];
    auto removed = c.users->removeUser(name);
    if (!ctx.storeAnswered(removed)) return;
    if (!removed.value()) return ctx.sendProblem(404, "Not found", "no user '" + name + "'");
    c.sessions->removeUser(name);
    c.auditAction(ctx.principal->name, "user.delete", "{\"username\":\"" + name + "\"}");
    ctx.response().setStatus(Poco::Net::HTTPResponse::HTTP_NO_CONTENT);
    ctx.response().send();
  });
}

void addNotificationRoutes(Router& r, ApiContext& c) {
  r.add("GET", "/api/v1/notifications", Access::Reader, [&c](RequestContext& ctx) {
    auto limit = ctx.intQuery("limit", 100, 1, 1000);
    if (!limit) return;
    auto listed = c.notifications->list(ctx.query("unacked") == "1", static_cast<int>(*limit));
    if (!ctx.storeAnswered(listed)) return;
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    for (const auto& n : listed.value()) {
      Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
      o->set("id", static_cast<Poco::Int64>(n.id));
      o->set("type", n.type);
      o->set("severity", n.severity);
      o->set("message", n.message);
      if (n.emailId) o->set("email_id", static_cast<Poco::Int64>(n.emailId));
      o->set("created_at", isoTime(n.createdAt));
      o->set("acknowledged", n.acknowledged);
      items->add(o);
    }
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("items", items);
    ctx.sendJson(200, o);
  });
  r.add("POST", "/api/v1/notifications/{id}/ack", Access::Reviewer, [&c](RequestContext& ctx) {
    auto id = ctx.intParam("id");
    if (!id) return;
    auto acked = c.notifications->acknowledge(*id);
    if (!ctx.storeAnswered(acked)) return;
    if (!acked.value()) return ctx.sendProblem(404, "Not found", "no notification " + std::to_string(*id));
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("id", static_cast<Poco::Int64>(*id));
    o->set("acknowledged", true);
    ctx.sendJson(200, o);
  });
}

void addAuditRoutes(Router& r, ApiContext& c) {
  r.add("GET", "/api/v1/audit", Access::Reader, [&c](RequestContext& ctx) {
    store::AuditFilter f;
    auto limit = ctx.intQuery("limit", 100, 1, 1000);
    auto before = ctx.intQuery("before", 0, 0, INT64_MAX);
    auto from = ctx.intQuery("from", 0, 0, INT64_MAX);
    auto to = ctx.intQuery("to", 0, 0, INT64_MAX);
    if (!limit || !before || !from || !to) return;
    f.limit = static_cast<int>(*limit);
    f.beforeSeq = *before;
    f.from = *from;
    f.to = *to;
    f.user = ctx.query("user");
    f.action = ctx.query("action");
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    const auto listed = c.audit->list(f);
    if (!ctx.storeAnswered(listed)) return;
    const auto& rows = listed.value();
    for (const auto& e : rows) {
      Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
      o->set("seq", static_cast<Poco::Int64>(e.seq));
      o->set("at", isoTime(e.at));
      o->set("user", e.user);
      o->set("action", e.action);
      if (e.emailId) o->set("email_id", static_cast<Poco::Int64>(e.emailId));
      else o->set("email_id", Poco::Dynamic::Var());
      o->set("details", e.details);
      o->set("hash", e.hash);
      items->add(o);
    }
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("items", items);
    if (static_cast<int64_t>(rows.size()) == *limit && !rows.empty()) o->set("next", std::to_string(rows.back().seq));
    else o->set("next", Poco::Dynamic::Var());
    ctx.sendJson(200, o);
  });
  r.add("GET", "/api/v1/audit/verify", Access::Reader, [&c](RequestContext& ctx) {
    const auto verified = c.audit->verify();
    if (!ctx.storeAnswered(verified)) return;
    const auto& v = verified.value();
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("ok", v.ok);
    o->set("entries", static_cast<Poco::Int64>(v.entries));
    if (!v.ok) o->set("first_bad_seq", static_cast<Poco::Int64>(v.firstBadSeq));
    ctx.sendJson(200, o);
  });
}

}  // namespace

void addAdminRoutes(Router& r, ApiContext& c) {
  addTokenRoutes(r, c);
  addUserRoutes(r, c);
  addNotificationRoutes(r, c);
  addAuditRoutes(r, c);
}

}  // namespace mg::web
