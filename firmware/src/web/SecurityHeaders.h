#pragma once
// The headers every answer of the local web server carries, whatever the route: the status
// page and the API are one origin on a LAN, reviewed mail is hostile content, and a browser
// must neither run inline code, nor frame the page, nor guess content types, nor leak the
// page's address to anything it loads.
#include <Poco/Net/HTTPResponse.h>

namespace mg::web {

// The policy: only the page's own files (no inline script or style), nothing may frame it,
// no plugins, forms post only back to it. Images may also be data: URLs (a QR code drawn by
// the page). A held HTML message is shown in a sandboxed frame of the same origin, under this
// same policy, so its remote images and scripts load and run nowhere.
inline constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "frame-src 'self'; frame-ancestors 'none'; object-src 'none'; base-uri 'none'; form-action 'self'";

// A held message's HTML part, framed by the page: nothing runs (`sandbox` without
// allow-scripts, and no script-src), nothing is fetched (no remote image, font or style
// sheet; only inline styles and data: images), and only the page itself may frame it.
inline constexpr const char* kHtmlPartPolicy =
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox; frame-ancestors 'self'";

// HSTS only under TLS: over plain HTTP a browser ignores it (RFC 6797 §8.1).
void setSecurityHeaders(Poco::Net::HTTPResponse& response, bool tls);

}  // namespace mg::web
