#include "crypto/Totp.h"

#include <mbedtls/md.h>

#include <array>
#include <stdexcept>

#include "crypto/ConstantTime.h"
#include "crypto/Encoding.h"
#include "crypto/Random.h"

namespace mg::crypto {

namespace {

// RFC 3986 unreserved characters pass; everything else is %XX (a user name is the label).
std::string percentEncode(std::string_view s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace

std::string Totp::generateSecret() { return Random::instance().bytes(kSecretSize); }

uint32_t Totp::hotp(std::string_view secret, uint64_t counter, int digits) {
  std::array<unsigned char, 8> message{};
  for (int i = 7; i >= 0; --i) {
    message[static_cast<size_t>(i)] = static_cast<unsigned char>(counter & 0xff);
    counter >>= 8;
  }
  std::array<unsigned char, 20> mac{};
  const mbedtls_md_info_t* sha1 = mbedtls_md_info_from_type(MBEDTLS_MD_SHA1);
  if (sha1 == nullptr || mbedtls_md_hmac(sha1, reinterpret_cast<const unsigned char*>(secret.data()), secret.size(),
                                         message.data(), message.size(), mac.data()) != 0) {
    throw std::runtime_error("TOTP: HMAC-SHA1 failed");
  }
  // Dynamic truncation: the low nibble of the last byte picks four bytes, top bit cleared.
  const size_t offset = mac[19] & 0x0f;
  const uint32_t binary = (static_cast<uint32_t>(mac[offset] & 0x7f) << 24) |
                          (static_cast<uint32_t>(mac[offset + 1]) << 16) |
                          (static_cast<uint32_t>(mac[offset + 2]) << 8) | static_cast<uint32_t>(mac[offset + 3]);
  uint32_t modulus = 1;
  for (int i = 0; i < digits; ++i) modulus *= 10;
  return binary % modulus;
}

std::string Totp::code(std::string_view secret, int64_t unixSeconds) {
  std::string digits = std::to_string(hotp(secret, static_cast<uint64_t>(stepAt(unixSeconds))));
  return std::string(static_cast<size_t>(kDigits) - digits.size(), '0') + digits;
}

std::optional<int64_t> Totp::verify(std::string_view secret, std::string_view given, int64_t unixSeconds,
                                    int64_t lastUsedStep) {
  if (given.size() != static_cast<size_t>(kDigits) || secret.empty()) return std::nullopt;
  for (char c : given) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  const int64_t now = stepAt(unixSeconds);
  std::optional<int64_t> matched;
  // Every step in the window is computed and compared, so the time taken does not tell which matched.
  for (int64_t step = now - kWindowSteps; step <= now + kWindowSteps; ++step) {
    if (step < 0) continue;
    const bool same = sameSecret(given, code(secret, step * kStepSeconds));
    if (same && step > lastUsedStep && !matched) matched = step;
  }
  return matched;
}

std::string Totp::uri(std::string_view issuer, std::string_view account, std::string_view secret) {
  const std::string label = percentEncode(issuer) + ":" + percentEncode(account);
  return "otpauth://totp/" + label + "?secret=" + base32Encode(secret) + "&issuer=" + percentEncode(issuer) +
         "&algorithm=SHA1&digits=" + std::to_string(kDigits) + "&period=" + std::to_string(kStepSeconds);
}

}  // namespace mg::crypto
