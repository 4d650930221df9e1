#include "web/LoginSupport.h"

#include <Poco/JSON/Stringifier.h>

#include <sstream>

#include "common/Log.h"
#include "common/Metrics.h"
#include "crypto/PasswordHash.h"

namespace mg::web {

std::string clientAddress(RequestContext& ctx) { return ctx.request().clientAddress().host().toString(); }

std::string auditDetails(std::initializer_list<std::pair<const char*, std::string>> fields) {
  Poco::JSON::Object o;
  for (const auto& [k, v] : fields) o.set(k, v);
  std::ostringstream out;
  Poco::JSON::Stringifier::condense(o, out);
  return out.str();
}

void sendThrottled(RequestContext& ctx, int64_t seconds) {
  common::Metrics::global().increment("mailgate_rate_limited_total", {{"endpoint", "web_login"}});
  ctx.response().set("Retry-After", std::to_string(seconds));
  ctx.sendProblem(429, "Too many attempts", "too many failed logins; try again in " + std::to_string(seconds) + " s");
}

bool confirmPassword(ApiContext& c, RequestContext& ctx, const std::string& username, const std::string& password) {
  const std::string address = clientAddress(ctx);
  if (const int64_t wait = c.logins->lockedFor(username, address); wait > 0) {
    sendThrottled(ctx, wait);
    return false;
  }
  auto found = c.users->findUser(username);
  if (!ctx.storeAnswered(found)) return false;
  if (!found.value()) {
    ctx.sendProblem(403, "Forbidden", "this needs a logged-in operator account");
    return false;
  }
  if (!c.logins->beginCheck()) {
    ctx.response().set("Retry-After", "5");
    ctx.sendProblem(503, "Busy", "other logins are being checked; try again in a few seconds");
    return false;
  }
  const bool ok = crypto::PasswordHash::verify(password, found.value()->passwordHash);
  c.logins->endCheck();
  if (!ok) {
    c.logins->failed(username, address);
    c.auditAction(username, "login.failed", auditDetails({{"address", address}, {"reason", "wrong password to confirm a change"}}));
    common::logger("web").warning("wrong password from '" + username + "' at " + address + " confirming a change");
    ctx.sendProblem(403, "Forbidden", "wrong password");
    return false;
  }
  return true;
}

}  // namespace mg::web
