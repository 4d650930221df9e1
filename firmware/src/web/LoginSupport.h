#pragma once
// What the login, setup and second-factor routes share: the caller's address, audit details
// as JSON, the 429 of a throttled login, and a password check for changes that need it.
#include <Poco/JSON/Object.h>

#include <initializer_list>
#include <string>
#include <utility>

#include "web/ApiContext.h"
#include "web/RequestContext.h"

namespace mg::web {

std::string clientAddress(RequestContext& ctx);
// Audit details as JSON, whatever the (hostile) values hold.
std::string auditDetails(std::initializer_list<std::pair<const char*, std::string>> fields);
void sendThrottled(RequestContext& ctx, int64_t seconds);

// The logged-in user proves it is still them (turning the second factor on or off): the
// password is checked under the same throttle as a login, a wrong one counted and audited.
// False when it failed; the answer (403, 429 or 503) has then been sent.
bool confirmPassword(ApiContext& c, RequestContext& ctx, const std::string& username, const std::string& password);

}  // namespace mg::web
