#pragma once
// A self-signed TLS identity for first start (STARTTLS on the gate, HTTPS on the web UI):
// ECDSA P-256 key + X.509 v3 certificate, CN and subjectAltName = the configured hostname,
// plus the names the caller adds (mailgate.local, the box's addresses) and localhost /
// 127.0.0.1 / ::1, valid 10 years. Made with mbedTLS so it needs no
// OpenSSL CLI on the device; served later by OpenSSL (POCO NetSSL), which reads it as PEM.
#include "common/Status.h"

#include <filesystem>
#include <string>
#include <vector>

namespace mg::crypto {

struct CertificatePem {
  std::string certificate;  // "-----BEGIN CERTIFICATE-----…"
  std::string privateKey;   // "-----BEGIN EC PRIVATE KEY-----…" (SEC1)
};

struct CertificateFiles {
  std::filesystem::path certificate;  // dir/cert.pem, mode 0644
  std::filesystem::path privateKey;   // dir/key.pem, mode 0600
};

class SelfSignedCertificate {
 public:
  static constexpr const char* kCertificateFileName = "cert.pem";
  static constexpr const char* kPrivateKeyFileName = "key.pem";
  static constexpr int kValidityYears = 10;

  // A new key and certificate for `hostname` (a DNS name or an IP literal).
  static common::Result<CertificatePem> generate(const std::string& hostname,
                                                 const std::vector<std::string>& alsoNames = {});
  // Returns dir/cert.pem and dir/key.pem, making a new pair (and dir, mode 0700) only when
  // either is missing. An existing pair is kept as it is (clients may have pinned it) but must
  // parse, match, and have a key not readable by group/others.
  static common::Result<CertificateFiles> ensureSelfSigned(const std::filesystem::path& dir,
                                                           const std::string& hostname,
                                                           const std::vector<std::string>& alsoNames = {});
  // "SHA256:AB:CD:…" of the certificate's DER, as browsers show it, for the PEM file at `path`.
  static common::Result<std::string> fingerprint(const std::filesystem::path& path);
};

}  // namespace mg::crypto
