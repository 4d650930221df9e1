#pragma once
// DER values for certificate extensions mbedTLS 2.28 has no setter for (subjectAltName,
// extendedKeyUsage); they go in through mbedtls_x509write_crt_set_extension.
#include "common/Status.h"

#include <string>
#include <string_view>
#include <vector>

namespace mg::crypto::detail {

struct SubjectAltName {
  enum class Kind { dns, ip };
  Kind kind;
  std::string value;  // a host name, or an IPv4/IPv6 literal
};

// True for a syntactically valid DNS host name (letters, digits, '-', '.'; labels 1..63,
// total 1..253). Anything else would be unsafe to splice into a subject like "CN=…".
bool isHostName(std::string_view name);
// True for an IPv4 or IPv6 literal.
bool isIpLiteral(std::string_view name);

// The names a self-signed certificate for `hostname` covers: the host (DNS or IP), plus
// localhost, 127.0.0.1 and ::1 so a browser on the device itself can connect; no duplicates.
// hostname first, then `alsoNames` (DNS names or IP literals: mailgate.local, the box's
// addresses), then localhost, 127.0.0.1, ::1; each once.
std::vector<SubjectAltName> subjectAltNamesFor(std::string_view hostname, const std::vector<std::string>& alsoNames = {});

// DER GeneralNames (RFC 5280 §4.2.1.6).
common::Result<std::string> encodeSubjectAltNames(const std::vector<SubjectAltName>& names);
// DER ExtKeyUsageSyntax holding only id-kp-serverAuth (macOS/iOS require it on TLS servers).
common::Result<std::string> encodeServerAuthUsage();

}  // namespace mg::crypto::detail
