#pragma once
// The mg_session cookie (CONTRACT §4): HttpOnly so page scripts never see it, SameSite=Strict
// so no other site's page can make the browser send it, Secure under TLS, Path=/ and no
// Domain. No Max-Age: the browser forgets it when closed; the server ends it anyway after
// SessionStore's idle and absolute limits.
#include <Poco/Net/HTTPRequest.h>

#include <string>

namespace mg::web {

inline constexpr const char* kSessionCookieName = "mg_session";

std::string sessionCookieHeader(const std::string& value, bool secure);
std::string clearedSessionCookieHeader(bool secure);
// The cookie's value in a request, "" when absent.
std::string sessionCookieValue(const Poco::Net::HTTPRequest& request);

}  // namespace mg::web
