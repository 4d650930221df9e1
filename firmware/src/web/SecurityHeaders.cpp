#include "web/SecurityHeaders.h"

namespace mg::web {

void setSecurityHeaders(Poco::Net::HTTPResponse& response, bool tls) {
  response.set("Content-Security-Policy", kContentSecurityPolicy);
  response.set("X-Content-Type-Options", "nosniff");
  response.set("X-Frame-Options", "DENY");  // for browsers older than frame-ancestors
  response.set("Referrer-Policy", "no-referrer");
  response.set("Cross-Origin-Opener-Policy", "same-origin");
  if (tls) response.set("Strict-Transport-Security", "max-age=31536000");
}

}  // namespace mg::web
