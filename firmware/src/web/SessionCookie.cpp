#include "web/SessionCookie.h"

#include <Poco/Net/NameValueCollection.h>

namespace mg::web {

namespace {
std::string attributes(bool secure) { return std::string("; Path=/; HttpOnly; SameSite=Strict") + (secure ? "; Secure" : ""); }
}  // namespace

std::string sessionCookieHeader(const std::string& value, bool secure) {
  return std::string(kSessionCookieName) + "=" + value + attributes(secure);
}

std::string clearedSessionCookieHeader(bool secure) {
  return std::string(kSessionCookieName) + "=" + attributes(secure) + "; Max-Age=0";
}

std::string sessionCookieValue(const Poco::Net::HTTPRequest& request) {
  Poco::Net::NameValueCollection cookies;
  request.getCookies(cookies);
  return cookies.get(kSessionCookieName, "");
}

}  // namespace mg::web
