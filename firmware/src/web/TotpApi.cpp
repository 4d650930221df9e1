// /api/v1/session/totp: an operator turns the TOTP second factor on (enrol, confirm with a
// first code), off, or gets new recovery codes; an admin resets another user's (a lost phone)
// with DELETE /api/v1/users/{name}/totp. Bearer tokens have no second factor: they are
// secrets of their own, made by an admin, and are refused here.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <algorithm>

#include "common/Log.h"
#include "web/ApiServer.h"
#include "web/LoginSupport.h"

namespace mg::web {

namespace {

// The caller is an operator logged in on the page; a token has no account to enrol.
bool needsUserSession(RequestContext& ctx) {
  if (!ctx.principal->sessionCookie.empty()) return true;
  ctx.sendProblem(403, "Forbidden", "2-step login belongs to an operator account: log in on the page, not with a token");
  return false;
}

// A change to the caller's own second factor: a user session, a JSON body and the right
// password in it. False once the refusal has been sent.
bool confirmedChange(ApiContext& c, RequestContext& ctx) {
  if (!needsUserSession(ctx)) return false;
  auto body = ctx.readJsonObject();
  if (!body) return false;
  return confirmPassword(c, ctx, ctx.principal->name, textField(body, "password"));
}

Poco::JSON::Object::Ptr codesJson(const std::vector<std::string>& codes) {
  Poco::JSON::Array::Ptr a = new Poco::JSON::Array;
  for (const auto& code : codes) a->add(code);
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
  o->set("recovery_codes", a);
  return o;
}

void noContent(RequestContext& ctx) {
  ctx.response().setStatus(Poco::Net::HTTPResponse::HTTP_NO_CONTENT);
  ctx.response().send();
}

void addEnrolmentRoutes(Router& r, ApiContext& c) {
  r.add("POST", "/api/v1/session/totp", Access::Reader, [&c](RequestContext& ctx) {
    if (!confirmedChange(c, ctx)) return;
    const std::string user = ctx.principal->name;
    auto enrolment = c.secondFactor->begin(user);
    if (!ctx.storeAnswered(enrolment)) return;
    if (!enrolment.value()) {
      return ctx.sendProblem(409, "Already on", "2-step login is on; turn it off first to enrol another phone");
    }
    c.auditAction(user, "totp.enroll", auditDetails({{"address", clientAddress(ctx)}}));
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("secret", enrolment.value()->secret);
    o->set("uri", enrolment.value()->uri);
    ctx.response().set("Cache-Control", "no-store");
    ctx.sendJson(200, o);
  });

  r.add("POST", "/api/v1/session/totp/confirm", Access::Reader, [&c](RequestContext& ctx) {
    if (!needsUserSession(ctx)) return;
    auto body = ctx.readJsonObject();
    if (!body) return;
    const std::string user = ctx.principal->name;
    const std::string address = clientAddress(ctx);
    // Guessing the first code is guessing a login code: the same throttles.
    if (const int64_t wait = std::max(c.logins->lockedFor(user, address), c.logins->secondFactorLockedFor(user)); wait > 0) {
      return sendThrottled(ctx, wait);
    }
    auto confirmed = c.secondFactor->confirm(user, textField(body, "code"));
    if (!ctx.storeAnswered(confirmed)) return;
    switch (confirmed->outcome) {
      case SecondFactor::Confirm::NothingPending:
        return ctx.sendProblem(409, "Nothing to confirm", "start with POST /api/v1/session/totp (the QR code)");
      case SecondFactor::Confirm::WrongCode:
        c.logins->failed(user, address);
        c.logins->secondFactorFailed(user);
        return ctx.sendProblem(400, "Wrong code",
                               "that is not the app's current code: check the phone's clock, or scan the QR code again");
      case SecondFactor::Confirm::Enabled:
        break;
    }
    // Sessions opened with the password alone end; this one has just shown the code.
    c.sessions->removeUser(user, ctx.principal->sessionCookie);
    c.auditAction(user, "totp.enable", auditDetails({{"address", address}}));
    common::logger("web").notice("2-step login turned on for '" + user + "'");
    ctx.response().set("Cache-Control", "no-store");
    ctx.sendJson(200, codesJson(confirmed->recoveryCodes));
  });
}

void addManagementRoutes(Router& r, ApiContext& c) {
  r.add("DELETE", "/api/v1/session/totp", Access::Reader, [&c](RequestContext& ctx) {
    if (!confirmedChange(c, ctx)) return;
    const std::string user = ctx.principal->name;
    auto off = c.users->disableTotp(user);
    if (!ctx.storeAnswered(off)) return;
    c.sessions->removeUser(user, ctx.principal->sessionCookie);
    c.auditAction(user, "totp.disable", auditDetails({{"address", clientAddress(ctx)}}));
    common::logger("web").notice("2-step login turned off for '" + user + "'");
    noContent(ctx);
  });

  r.add("POST", "/api/v1/session/totp/recovery-codes", Access::Reader, [&c](RequestContext& ctx) {
    if (!confirmedChange(c, ctx)) return;
    const std::string user = ctx.principal->name;
    std::vector<std::string> codes;
    auto replaced = c.secondFactor->replaceRecoveryCodes(user, codes);
    if (!ctx.storeAnswered(replaced)) return;
    if (!replaced.value()) return ctx.sendProblem(409, "2-step login is off", "recovery codes belong to 2-step login; turn it on first");
    c.auditAction(user, "totp.recovery_codes", auditDetails({{"address", clientAddress(ctx)}}));
    ctx.response().set("Cache-Control", "no-store");
    ctx.sendJson(200, codesJson(codes));
  });

  r.add("DELETE", "/api/v1/users/{name}/totp", Access::Admin, [&c](RequestContext& ctx) {
    const std::string name = ctx.params["name"];
    auto off = c.users->disableTotp(name);
    if (!ctx.storeAnswered(off)) return;
    if (!off.value()) return ctx.sendProblem(404, "Not found", "no user '" + name + "'");
    // Whoever has the lost phone may also have a session: it ends with the old factor (but
    // an admin resetting their own keeps the session they are using).
    c.sessions->removeUser(name, ctx.principal->sessionCookie);
    c.auditAction(ctx.principal->name, "user.totp_reset", auditDetails({{"username", name}}));
    noContent(ctx);
  });
}

}  // namespace

void addTotpRoutes(Router& r, ApiContext& c) {
  addEnrolmentRoutes(r, c);
  addManagementRoutes(r, c);
}

}  // namespace mg::web
