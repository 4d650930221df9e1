#include "crypto/SelfSignedCertificate.h"

#include "crypto/AtomicFile.h"
#include "crypto/MbedtlsError.h"
#include "crypto/Random.h"
#include "crypto/X509Extensions.h"

#include <mbedtls/bignum.h>
#include <mbedtls/ecp.h>
#include <mbedtls/oid.h>
#include <mbedtls/pk.h>
#include <mbedtls/platform_util.h>
#include <mbedtls/sha256.h>
#include <mbedtls/x509_crt.h>

#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <ctime>

namespace mg::crypto {

namespace {

using common::Result;
using common::Status;

constexpr size_t kSerialSize = 16;
// RFC 5280 ub-common-name: a longer host name only goes in subjectAltName.
constexpr size_t kMaxCommonName = 64;

// init/free pairs of the mbedTLS contexts used here, so every return path frees them.
template <typename T, void (*Init)(T*), void (*Free)(T*)>
class Scoped {
 public:
  Scoped() { Init(&value_); }
  ~Scoped() { Free(&value_); }
  Scoped(const Scoped&) = delete;
  Scoped& operator=(const Scoped&) = delete;
  T* get() { return &value_; }

 private:
  T value_;
};
using PkContext = Scoped<mbedtls_pk_context, mbedtls_pk_init, mbedtls_pk_free>;
using CertWriter = Scoped<mbedtls_x509write_cert, mbedtls_x509write_crt_init, mbedtls_x509write_crt_free>;
using Mpi = Scoped<mbedtls_mpi, mbedtls_mpi_init, mbedtls_mpi_free>;
using Certificate = Scoped<mbedtls_x509_crt, mbedtls_x509_crt_init, mbedtls_x509_crt_free>;

// "YYYYMMDDhhmmss" UTC, as mbedtls_x509write_crt_set_validity wants it.
std::string formatTime(const std::tm& tm) {
  std::array<char, 16> text{};
  std::strftime(text.data(), text.size(), "%Y%m%d%H%M%S", &tm);
  return text.data();
}

// Validity by calendar, not by adding seconds: on 32-bit armhf time_t ends in 2038, before
// the certificate does. Starts an hour back to absorb small clock differences with clients.
std::pair<std::string, std::string> validityPeriod() {
  const std::time_t start = std::time(nullptr) - 3600;
  std::tm tm{};
  ::gmtime_r(&start, &tm);
  const std::string notBefore = formatTime(tm);
  tm.tm_year += SelfSignedCertificate::kValidityYears;
  if (tm.tm_mon == 1 && tm.tm_mday == 29) tm.tm_mday = 28;  // 29 Feb + 10 years is never a leap day
  return {notBefore, formatTime(tm)};
}

Status check(int rc, const char* what) {
  return rc == 0 ? Status::success() : Status::error(std::string(what) + ": " + detail::mbedtlsError(rc));
}

Status setExtensions(mbedtls_x509write_cert* crt, const std::string& hostname, const std::vector<std::string>& alsoNames) {
  auto san = detail::encodeSubjectAltNames(detail::subjectAltNamesFor(hostname, alsoNames));
  if (!san) return san.status();
  auto eku = detail::encodeServerAuthUsage();
  if (!eku) return eku.status();
  // CA:FALSE and no keyCertSign: browsers reject a CA certificate used as a server identity.
  if (auto st = check(mbedtls_x509write_crt_set_basic_constraints(crt, 0, -1), "basicConstraints"); !st) return st;
  if (auto st = check(mbedtls_x509write_crt_set_key_usage(crt, MBEDTLS_X509_KU_DIGITAL_SIGNATURE), "keyUsage"); !st) {
    return st;
  }
  if (auto st = check(mbedtls_x509write_crt_set_subject_key_identifier(crt), "subjectKeyIdentifier"); !st) return st;
  if (auto st = check(mbedtls_x509write_crt_set_authority_key_identifier(crt), "authorityKeyIdentifier"); !st) {
    return st;
  }
  if (auto st = check(mbedtls_x509write_crt_set_extension(
                          crt, MBEDTLS_OID_SUBJECT_ALT_NAME, MBEDTLS_OID_SIZE(MBEDTLS_OID_SUBJECT_ALT_NAME), 0,
                          reinterpret_cast<const unsigned char*>(san->data()), san->size()),
                      "subjectAltName");
      !st) {
    return st;
  }
  return check(mbedtls_x509write_crt_set_extension(crt, MBEDTLS_OID_EXTENDED_KEY_USAGE,
                                                   MBEDTLS_OID_SIZE(MBEDTLS_OID_EXTENDED_KEY_USAGE), 0,
                                                   reinterpret_cast<const unsigned char*>(eku->data()), eku->size()),
               "extendedKeyUsage");
}

Status setSerial(mbedtls_x509write_cert* crt) {
  std::array<unsigned char, kSerialSize> raw{};
  Random::instance().fill(raw.data(), raw.size());
  // Positive (top bit clear) and never zero, as RFC 5280 §4.1.2.2 asks.
  raw[0] = static_cast<unsigned char>((raw[0] & 0x7f) | 0x01);
  Mpi serial;
  if (auto st = check(mbedtls_mpi_read_binary(serial.get(), raw.data(), raw.size()), "serial"); !st) return st;
  return check(mbedtls_x509write_crt_set_serial(crt, serial.get()), "serial");
}

Result<CertificatePem> generateOrThrow(const std::string& hostname, const std::vector<std::string>& alsoNames) {
  using R = Result<CertificatePem>;
  Random& random = Random::instance();
  PkContext key;
  if (auto st = check(mbedtls_pk_setup(key.get(), mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY)), "key setup"); !st) {
    return st;
  }
  if (auto st = check(mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, mbedtls_pk_ec(*key.get()), Random::generate, &random),
                      "P-256 key generation");
      !st) {
    return st;
  }

  CertWriter crt;
  mbedtls_x509write_crt_set_version(crt.get(), MBEDTLS_X509_CRT_VERSION_3);
  mbedtls_x509write_crt_set_md_alg(crt.get(), MBEDTLS_MD_SHA256);
  mbedtls_x509write_crt_set_subject_key(crt.get(), key.get());
  mbedtls_x509write_crt_set_issuer_key(crt.get(), key.get());  // self-signed: issuer = subject
  const std::string subject =
      "CN=" + (hostname.size() <= kMaxCommonName ? hostname : std::string("mailgate")) + ",O=mailgate";
  if (auto st = check(mbedtls_x509write_crt_set_subject_name(crt.get(), subject.c_str()), "subject"); !st) return st;
  if (auto st = check(mbedtls_x509write_crt_set_issuer_name(crt.get(), subject.c_str()), "issuer"); !st) return st;
  const auto [notBefore, notAfter] = validityPeriod();
  if (auto st = check(mbedtls_x509write_crt_set_validity(crt.get(), notBefore.c_str(), notAfter.c_str()), "validity");
      !st) {
    return st;
  }
  if (auto st = setSerial(crt.get()); !st) return st;
  if (auto st = setExtensions(crt.get(), hostname, alsoNames); !st) return st;

  CertificatePem pem;
  std::array<unsigned char, 4096> buffer{};
  if (auto st = check(mbedtls_x509write_crt_pem(crt.get(), buffer.data(), buffer.size(), Random::generate, &random),
                      "signing certificate");
      !st) {
    return st;
  }
  pem.certificate = reinterpret_cast<const char*>(buffer.data());
  const int rc = mbedtls_pk_write_key_pem(key.get(), buffer.data(), buffer.size());
  if (rc == 0) pem.privateKey = reinterpret_cast<const char*>(buffer.data());
  mbedtls_platform_zeroize(buffer.data(), buffer.size());  // the private key passed through here
  if (rc != 0) return R::error("writing private key: " + detail::mbedtlsError(rc));
  return pem;
}

Status checkExistingPair(const CertificateFiles& files) {
  struct stat st {};
  if (::stat(files.privateKey.c_str(), &st) != 0) {
    return Status::error(files.privateKey.string() + ": " + std::strerror(errno));
  }
  if ((st.st_mode & 077) != 0) {
    return Status::error(files.privateKey.string() + ": " + detail::modeText(st.st_mode) +
                         " lets group/others read the TLS private key; fix with: chmod 600 " +
                         files.privateKey.string());
  }
  const std::string advice = " (remove both " + files.certificate.string() + " and " + files.privateKey.string() +
                             " to have a new self-signed pair made)";
  Certificate crt;
  if (int rc = mbedtls_x509_crt_parse_file(crt.get(), files.certificate.c_str()); rc != 0) {
    return Status::error(files.certificate.string() + ": " + detail::mbedtlsError(rc) + advice);
  }
  PkContext key;
  if (int rc = mbedtls_pk_parse_keyfile(key.get(), files.privateKey.c_str(), nullptr); rc != 0) {
    return Status::error(files.privateKey.string() + ": " + detail::mbedtlsError(rc) + advice);
  }
  if (mbedtls_pk_check_pair(&crt.get()->pk, key.get()) != 0) {
    return Status::error("certificate and private key do not match" + advice);
  }
  return Status::success();
}

}  // namespace

Result<CertificatePem> SelfSignedCertificate::generate(const std::string& hostname,
                                                       const std::vector<std::string>& alsoNames) {
  if (!detail::isHostName(hostname) && !detail::isIpLiteral(hostname)) {
    return Result<CertificatePem>::error("self-signed certificate: '" + hostname +
                                         "' is not a host name or IP address (check smtp.hostname)");
  }
  try {
    return generateOrThrow(hostname, alsoNames).withContext("self-signed certificate for " + hostname);
  } catch (const std::exception& e) {  // only the entropy source can throw here
    return Result<CertificatePem>::error("self-signed certificate for " + hostname + ": " + e.what());
  }
}

Result<CertificateFiles> SelfSignedCertificate::ensureSelfSigned(const std::filesystem::path& dir,
                                                                 const std::string& hostname,
                                                                 const std::vector<std::string>& alsoNames) {
  using R = Result<CertificateFiles>;
  const CertificateFiles files{dir / kCertificateFileName, dir / kPrivateKeyFileName};
  std::error_code ec;
  if (std::filesystem::create_directories(dir, ec)) {
    std::filesystem::permissions(dir, std::filesystem::perms::owner_all, std::filesystem::perm_options::replace, ec);
    if (!ec) {
      if (auto st = detail::syncParentDirectory(dir); !st) return st;
    }
  }
  if (ec) return R::error("TLS directory " + dir.string() + ": " + ec.message());

  const bool haveCertificate = std::filesystem::exists(files.certificate, ec);
  const bool haveKey = std::filesystem::exists(files.privateKey, ec);
  if (haveCertificate && haveKey) {
    if (auto st = checkExistingPair(files); !st) return st;
    return files;
  }

  auto pem = generate(hostname, alsoNames);
  if (!pem) return pem.status();
  // The certificate goes first and comes back last, so a crash in between can never leave a
  // certificate next to a key it does not belong to; the next start simply makes a new pair.
  if (haveCertificate) {
    if (::unlink(files.certificate.c_str()) != 0 && errno != ENOENT) {
      return R::error(files.certificate.string() + ": " + std::strerror(errno));
    }
    if (auto st = detail::syncDirectory(dir); !st) return st;
  }
  auto key = detail::writeFileAtomically(files.privateKey, pem->privateKey, 0600, detail::WriteMode::replace);
  mbedtls_platform_zeroize(pem->privateKey.data(), pem->privateKey.size());
  if (!key) return key.status();
  auto cert = detail::writeFileAtomically(files.certificate, pem->certificate, 0644, detail::WriteMode::replace);
  if (!cert) return cert.status();
  return files;
}

}  // namespace mg::crypto

namespace mg::crypto {

Result<std::string> SelfSignedCertificate::fingerprint(const std::filesystem::path& path) {
  Certificate crt;
  if (int rc = mbedtls_x509_crt_parse_file(crt.get(), path.c_str()); rc != 0) {
    return Result<std::string>::error(path.string() + ": " + detail::mbedtlsError(rc));
  }
  unsigned char digest[32];
  if (int rc = mbedtls_sha256_ret(crt.get()->raw.p, crt.get()->raw.len, digest, 0); rc != 0) {
    return Result<std::string>::error("fingerprint: " + detail::mbedtlsError(rc));
  }
  static const char* kHex = "0123456789ABCDEF";
  std::string out = "SHA256:";
  for (size_t i = 0; i < sizeof(digest); ++i) {
    if (i) out += ':';
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

}  // namespace mg::crypto
