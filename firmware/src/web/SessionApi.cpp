// /api/v1/session (log in, who am I, log out) and /api/v1/setup (the first admin, made with
// the one-time setup code the daemon wrote to data_dir/setup-code).
#include <Poco/JSON/Object.h>

#include <cstdio>
#include <fstream>
#include <mutex>

#include "common/Log.h"
#include "common/Text.h"
#include "crypto/ConstantTime.h"
#include "crypto/PasswordHash.h"
#include "web/ApiServer.h"
#include "web/LoginSupport.h"
#include "web/SessionCookie.h"
#include "web/UserRules.h"

namespace mg::web {

namespace {

// A new session for `user` → the cookie and {csrf_token, user, role[, recovery_codes_left]}.
void startSession(ApiContext& c, RequestContext& ctx, const std::string& user, const std::string& role,
                  std::optional<size_t> recoveryCodesLeft = std::nullopt) {
  const auto session = c.sessions->create(user);
  ctx.response().add("Set-Cookie", sessionCookieHeader(session.cookie, ctx.request().secure()));
  ctx.response().set("Cache-Control", "no-store");
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
  o->set("csrf_token", session.csrfToken);
  o->set("user", user);
  o->set("role", role);
  if (recoveryCodesLeft) o->set("recovery_codes_left", static_cast<Poco::UInt64>(*recoveryCodesLeft));
  ctx.sendJson(200, o);
}

// 401 that tells the page to ask for the second factor (and says so to anyone else).
void sendTotpRequired(RequestContext& ctx, const std::string& detail) {
  Poco::JSON::Object::Ptr extra = new Poco::JSON::Object;
  extra->set("totp_required", true);
  ctx.sendProblem(401, "Unauthorized", detail, extra);
}

// The setup code as written by the daemon, or "" when there is none.
std::string readSetupCode(const std::string& path) {
  std::ifstream in(path);
  std::string code;
  if (!in || !std::getline(in, code)) return "";
  return std::string(common::trim(code));
}

// The second step of a login with 2-step on: true with `via` (and, for a recovery code, the
// codes left) set, or false once the refusal has been sent.
bool passSecondFactor(ApiContext& c, RequestContext& ctx, const store::UserRecord& user, const std::string& code,
                      std::string& via, std::optional<size_t>& recoveryCodesLeft) {
  const std::string address = clientAddress(ctx);
  // The right password and no code yet: not a failure, the page now asks for the code.
  if (code.empty()) {
    sendTotpRequired(ctx, "this account has 2-step login: send the 6-digit code from the authenticator app, "
                          "or a recovery code, as 'totp'");
    return false;
  }
  if (const int64_t wait = c.logins->secondFactorLockedFor(user.username); wait > 0) {
    c.auditAction(user.username, "login.failed", auditDetails({{"address", address}, {"reason", "second factor locked"}}));
    sendThrottled(ctx, wait);
    return false;
  }
  auto checked = c.secondFactor->check(user, code);
  if (!ctx.storeAnswered(checked)) return false;
  if (checked->outcome == SecondFactor::Outcome::Wrong) {
    c.logins->failed(user.username, address);
    c.logins->secondFactorFailed(user.username);
    c.auditAction(user.username, "login.failed", auditDetails({{"address", address}, {"reason", "wrong second factor"}}));
    common::logger("web").warning("wrong second factor for '" + user.username + "' from " + address);
    sendTotpRequired(ctx, "wrong, expired or already used authentication code");
    return false;
  }
  if (checked->outcome == SecondFactor::Outcome::PassedWithRecoveryCode) {
    via = "recovery_code";
    recoveryCodesLeft = checked->recoveryCodesLeft;
  }
  return true;
}

void addLoginRoutes(Router& r, ApiContext& c) {
  r.add("POST", "/api/v1/session", Access::Public, [&c](RequestContext& ctx) {
    auto body = ctx.readJsonObject();
    if (!body) return;
    const std::string user = textField(body, "username");
    const std::string password = textField(body, "password");
    const std::string address = clientAddress(ctx);
    // Attacker-chosen text goes into the audit log only in a shape a user name can have.
    const std::string shownUser = validUsername(user) ? user : "(invalid name)";
    if (const int64_t wait = c.logins->lockedFor(user, address); wait > 0) return sendThrottled(ctx, wait);
    if (!c.logins->beginCheck()) {
      ctx.response().set("Retry-After", "5");
      return ctx.sendProblem(503, "Busy", "other logins are being checked; try again in a few seconds");
    }
    auto found = c.users->findUser(user);
    if (!found) {
      c.logins->endCheck();
      return ctx.sendStoreUnavailable(found.errorMessage());
    }
    const auto& record = found.value();
    // An unknown name costs the same PBKDF2 as a known one, so timing does not tell names.
    static const std::string kDecoy = crypto::PasswordHash::hash("mailgate-decoy-password");
    const bool ok = crypto::PasswordHash::verify(password, record ? record->passwordHash : kDecoy) && record.has_value();
    std::optional<std::string> upgraded;
    if (ok && crypto::PasswordHash::needsRehash(record->passwordHash)) upgraded = crypto::PasswordHash::hash(password);
    c.logins->endCheck();
    if (!ok) {
      c.logins->failed(user, address);
      c.auditAction(shownUser, "login.failed", auditDetails({{"address", address}, {"reason", "bad user name or password"}}));
      common::logger("web").warning("failed login for '" + common::sanitize(shownUser) + "' from " + address);
      return ctx.sendProblem(401, "Unauthorized", "wrong user name or password");
    }
    // Read again after the (slow) password check: 2-step login turned on meanwhile applies now.
    auto current = c.users->findUser(user);
    if (!ctx.storeAnswered(current)) return;
    if (!current.value()) return ctx.sendProblem(401, "Unauthorized", "wrong user name or password");
    std::string via = "web";
    std::optional<size_t> recoveryCodesLeft;
    if (current.value()->totpOn() &&
        !passSecondFactor(c, ctx, *current.value(), textField(body, "totp"), via, recoveryCodesLeft)) {
      return;
    }
    c.logins->succeeded(user, address);
    if (upgraded) {
      // The stored hash predates the current iteration count: replaced now that the password is known.
      if (auto st = c.users->updateUser(user, upgraded, std::nullopt); !st) {
        common::logger("web").warning("password hash of '" + user + "' not upgraded: " + st.errorMessage());
      }
    }
    if (recoveryCodesLeft) {
      c.auditAction(user, "login", auditDetails({{"address", address}, {"via", via},
                                                 {"recovery_codes_left", std::to_string(*recoveryCodesLeft)}}));
    } else {
      c.auditAction(user, "login", auditDetails({{"address", address}, {"via", via}}));
    }
    startSession(c, ctx, user, current.value()->role, recoveryCodesLeft);
  });

  r.add("GET", "/api/v1/session", Access::Reader, [&c](RequestContext& ctx) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("user", ctx.principal->name);
    o->set("role", ctx.principal->role);
    bool totp = false;
    if (!ctx.principal->sessionCookie.empty()) {
      auto found = c.users->findUser(ctx.principal->name);
      if (!ctx.storeAnswered(found)) return;
      totp = found.value() && found.value()->totpOn();
    }
    o->set("totp", totp);
    if (ctx.principal->sessionCookie.empty()) o->set("csrf_token", Poco::Dynamic::Var());
    else o->set("csrf_token", ctx.principal->csrfToken);
    ctx.response().set("Cache-Control", "no-store");
    ctx.sendJson(200, o);
  });

  r.add("DELETE", "/api/v1/session", Access::Reader, [&c](RequestContext& ctx) {
    if (!ctx.principal->sessionCookie.empty()) {
      c.sessions->remove(ctx.principal->sessionCookie);
      c.auditAction(ctx.principal->name, "logout", auditDetails({{"address", clientAddress(ctx)}}));
    }
    ctx.response().add("Set-Cookie", clearedSessionCookieHeader(ctx.request().secure()));
    ctx.response().setStatus(Poco::Net::HTTPResponse::HTTP_NO_CONTENT);
    ctx.response().send();
  });
}

void addSetupRoutes(Router& r, ApiContext& c) {
  r.add("GET", "/api/v1/setup", Access::Public, [&c](RequestContext& ctx) {
    auto count = c.users->userCount();
    if (!ctx.storeAnswered(count)) return;
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("needed", count.value() == 0);
    ctx.sendJson(200, o);
  });

  r.add("POST", "/api/v1/setup", Access::Public, [&c](RequestContext& ctx) {
    static std::mutex setupMu;  // two setup forms at once make one admin, not two
    auto body = ctx.readJsonObject();
    if (!body) return;
    const std::string address = clientAddress(ctx);
    if (const int64_t wait = c.logins->lockedFor("(setup)", address); wait > 0) return sendThrottled(ctx, wait);
    const std::string code = std::string(common::trim(textField(body, "code")));
    const std::string user = textField(body, "username");
    const std::string password = textField(body, "password");
    std::lock_guard<std::mutex> lock(setupMu);
    auto count = c.users->userCount();
    if (!ctx.storeAnswered(count)) return;
    if (count.value() > 0) return ctx.sendProblem(409, "Already set up", "an operator account exists; log in instead");
    const std::string expected = readSetupCode(c.setupCodePath);
    if (expected.empty()) {
      return ctx.sendProblem(503, "No setup code", "the setup code file is missing; restart mailgated to write a new one");
    }
    if (!crypto::sameSecret(code, expected)) {
      c.logins->failed("(setup)", address);
      c.auditAction("setup", "login.failed", auditDetails({{"address", address}, {"reason", "wrong setup code"}}));
      return ctx.sendProblem(403, "Forbidden", "wrong setup code: it is in data_dir/setup-code and in the journal");
    }
    if (auto problem = userProblem(user, "admin", password); !problem.empty()) {
      return ctx.sendProblem(400, "Invalid user", problem);
    }
    store::UserRecord u;
    u.username = user;
    u.role = "admin";
    u.passwordHash = crypto::PasswordHash::hash(password);
    u.createdAt = c.clock->nowMillis();
    auto added = c.users->addUser(u);
    if (!ctx.storeAnswered(added)) return;
    if (!added.value()) return ctx.sendProblem(409, "Conflict", "user '" + user + "' exists");
    // Used once: gone before the answer, so a second form with the same code finds nothing.
    std::remove(c.setupCodePath.c_str());
    c.auditAction("setup", "user.create", auditDetails({{"username", user}, {"role", "admin"}, {"address", address}}));
    c.auditAction(user, "login", auditDetails({{"address", address}, {"via", "setup"}}));
    common::logger("web").notice("first admin '" + user + "' created from " + address + "; the setup code is used up");
    startSession(c, ctx, user, "admin");
  });
}

}  // namespace

void addSessionRoutes(Router& r, ApiContext& c) {
  addLoginRoutes(r, c);
  addSetupRoutes(r, c);
  addTotpRoutes(r, c);
}

}  // namespace mg::web
