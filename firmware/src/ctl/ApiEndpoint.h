#pragma once
// Where the daemon's API is and which certificate to trust, derived from the same config
// file the daemon reads (CONTRACT §1: "--url, default the daemon of that config").
#include <cstdint>
#include <optional>
#include <string>

#include "common/Settings.h"
#include "common/Status.h"

namespace mg::ctl {

struct ApiEndpoint {
  std::string scheme;  // http | https
  std::string host;    // without brackets; a wildcard listen address becomes loopback
  uint16_t port = 0;
  // The one certificate trusted for https (the device's own): pinned, not a CA bundle.
  // Empty: the system's CAs (only for a --url that the config knows nothing about).
  std::string trustFile;
  // Off when the trusted certificate is pinned but names a public host, not loopback.
  bool verifyHostname = true;

  std::string baseUrl() const;  // "https://127.0.0.1:8443", "http://[::1]:8080"
};

class ApiEndpointResolver {
 public:
  // From [web] listen / tls / tls_cert and storage.data_dir; `urlOverride` (--url) replaces
  // scheme, host and port but keeps the trust decision of the config.
  static common::Result<ApiEndpoint> resolve(const common::Settings& settings,
                                             const std::optional<std::string>& urlOverride);
};

}  // namespace mg::ctl
