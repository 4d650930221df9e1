#include "ctl/ApiEndpoint.h"

#include <Poco/Exception.h>
#include <Poco/URI.h>

namespace mg::ctl {

std::string ApiEndpoint::baseUrl() const {
  const bool v6 = host.find(':') != std::string::npos;
  return scheme + "://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

common::Result<ApiEndpoint> ApiEndpointResolver::resolve(const common::Settings& settings,
                                                         const std::optional<std::string>& urlOverride) {
  ApiEndpoint ep;
  const auto& web = settings.web;
  ep.scheme = web.tls == "none" ? "http" : "https";
  // The daemon listening on every address is reachable on loopback, which is also what
  // the self-signed certificate names.
  ep.host = web.listen.host;
  if (ep.host == "0.0.0.0" || ep.host.empty()) ep.host = "127.0.0.1";
  if (ep.host == "::" || ep.host == "[::]") ep.host = "::1";
  ep.port = web.listen.port;
  if (web.tls == "self-signed") {
    ep.trustFile = settings.storage.dataDir + "/tls/cert.pem";
  } else if (web.tls == "file") {
    // An operator's certificate names the public host, never 127.0.0.1; pinning the exact
    // certificate is the stronger check, so the name is not compared.
    ep.trustFile = web.tlsCert;
    ep.verifyHostname = false;
  }

  if (urlOverride) {
    try {
      Poco::URI uri(*urlOverride);
      if (uri.getScheme() != "http" && uri.getScheme() != "https")
        return common::Result<ApiEndpoint>::error("--url " + *urlOverride + ": use http://HOST:PORT or https://HOST:PORT");
      if (uri.getHost().empty())
        return common::Result<ApiEndpoint>::error("--url " + *urlOverride + ": no host (use http://HOST:PORT)");
      if (!uri.getPath().empty() && uri.getPath() != "/")
        return common::Result<ApiEndpoint>::error("--url " + *urlOverride +
                                                  ": give the daemon's address only, without a path");
      ep.scheme = uri.getScheme();
      ep.host = uri.getHost();
      ep.port = uri.getPort();
    } catch (const Poco::Exception& e) {
      return common::Result<ApiEndpoint>::error("--url " + *urlOverride + ": " + e.message());
    }
  }
  if (ep.scheme == "http") ep.trustFile.clear();
  return ep;
}

}  // namespace mg::ctl
