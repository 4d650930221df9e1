#include "crypto/X509Extensions.h"

#include "crypto/MbedtlsError.h"

#include <mbedtls/asn1write.h>
#include <mbedtls/oid.h>

#include <arpa/inet.h>

#include <array>
#include <cctype>
#include <cstring>

namespace mg::crypto::detail {

namespace {

constexpr unsigned char kTagDnsName = 2;    // GeneralName dNSName    [2] IA5String
constexpr unsigned char kTagIpAddress = 7;  // GeneralName iPAddress  [7] OCTET STRING

// mbedTLS's ASN.1 writer fills a buffer from the end backwards; this keeps the bookkeeping.
class DerWriter {
 public:
  DerWriter() : p_(buf_.data() + buf_.size()) {}
  bool add(int rc) {
    if (rc < 0) {
      error_ = rc;
      return false;
    }
    length_ += static_cast<size_t>(rc);
    return true;
  }
  unsigned char** cursor() { return &p_; }
  unsigned char* start() { return buf_.data(); }
  size_t length() const { return length_; }
  int error() const { return error_; }
  std::string bytes() const { return std::string(reinterpret_cast<const char*>(p_), length_); }
  // Wraps everything written so far in a SEQUENCE.
  bool wrapInSequence() {
    const size_t inner = length_;
    return add(mbedtls_asn1_write_len(&p_, start(), inner)) &&
           add(mbedtls_asn1_write_tag(&p_, start(), MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE));
  }

 private:
  std::array<unsigned char, 2048> buf_{};
  unsigned char* p_;
  size_t length_ = 0;
  int error_ = 0;
};

std::string ipBytes(std::string_view literal) {
  const std::string text(literal);
  unsigned char raw[16];
  if (::inet_pton(AF_INET, text.c_str(), raw) == 1) return std::string(reinterpret_cast<const char*>(raw), 4);
  if (::inet_pton(AF_INET6, text.c_str(), raw) == 1) return std::string(reinterpret_cast<const char*>(raw), 16);
  return {};
}

bool sameName(const SubjectAltName& a, const SubjectAltName& b) {
  if (a.kind != b.kind) return false;
  if (a.kind == SubjectAltName::Kind::ip) return ipBytes(a.value) == ipBytes(b.value);
  if (a.value.size() != b.value.size()) return false;
  for (size_t i = 0; i < a.value.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a.value[i])) != std::tolower(static_cast<unsigned char>(b.value[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

bool isHostName(std::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  size_t label = 0;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
      continue;
    }
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok || ++label > 63) return false;
    if (c == '-' && (label == 1 || i + 1 == name.size() || name[i + 1] == '.')) return false;
  }
  return label > 0;
}

bool isIpLiteral(std::string_view name) { return !ipBytes(name).empty(); }

std::vector<SubjectAltName> subjectAltNamesFor(std::string_view hostname, const std::vector<std::string>& alsoNames) {
  using Kind = SubjectAltName::Kind;
  std::vector<SubjectAltName> wanted = {{isIpLiteral(hostname) ? Kind::ip : Kind::dns, std::string(hostname)}};
  for (const auto& n : alsoNames) {
    if (isIpLiteral(n)) wanted.push_back({Kind::ip, n});
    else if (isHostName(n)) wanted.push_back({Kind::dns, n});  // anything else is left out, not encoded
  }
  wanted.push_back({Kind::dns, "localhost"});
  wanted.push_back({Kind::ip, "127.0.0.1"});
  wanted.push_back({Kind::ip, "::1"});
  std::vector<SubjectAltName> names;
  for (const auto& candidate : wanted) {
    bool duplicate = false;
    for (const auto& have : names) duplicate = duplicate || sameName(have, candidate);
    if (!duplicate) names.push_back(candidate);
  }
  return names;
}

common::Result<std::string> encodeSubjectAltNames(const std::vector<SubjectAltName>& names) {
  DerWriter der;
  // Backwards: the last name is written first so the output reads in the given order.
  for (auto it = names.rbegin(); it != names.rend(); ++it) {
    const bool ip = it->kind == SubjectAltName::Kind::ip;
    const std::string value = ip ? ipBytes(it->value) : it->value;
    if (value.empty()) return common::Result<std::string>::error("subjectAltName: bad name '" + it->value + "'");
    const size_t before = der.length();
    const bool ok =
        der.add(mbedtls_asn1_write_raw_buffer(der.cursor(), der.start(),
                                              reinterpret_cast<const unsigned char*>(value.data()), value.size())) &&
        der.add(mbedtls_asn1_write_len(der.cursor(), der.start(), der.length() - before)) &&
        der.add(mbedtls_asn1_write_tag(der.cursor(), der.start(),
                                       MBEDTLS_ASN1_CONTEXT_SPECIFIC | (ip ? kTagIpAddress : kTagDnsName)));
    if (!ok) return common::Result<std::string>::error("subjectAltName: " + mbedtlsError(der.error()));
  }
  if (!der.wrapInSequence()) return common::Result<std::string>::error("subjectAltName: " + mbedtlsError(der.error()));
  return der.bytes();
}

common::Result<std::string> encodeServerAuthUsage() {
  DerWriter der;
  const bool ok = der.add(mbedtls_asn1_write_oid(der.cursor(), der.start(), MBEDTLS_OID_SERVER_AUTH,
                                                 MBEDTLS_OID_SIZE(MBEDTLS_OID_SERVER_AUTH))) &&
                  der.wrapInSequence();
  if (!ok) return common::Result<std::string>::error("extendedKeyUsage: " + mbedtlsError(der.error()));
  return der.bytes();
}

}  // namespace mg::crypto::detail
