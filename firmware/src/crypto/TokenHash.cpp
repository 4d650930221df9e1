#include "crypto/TokenHash.h"

#include "crypto/Encoding.h"
#include "crypto/Random.h"

// mbedTLS 2.28 ships constant_time.h without the extern "C" guard its other headers have.
extern "C" {
#include <mbedtls/constant_time.h>
}
#include <mbedtls/sha256.h>

#include <array>
#include <stdexcept>

namespace mg::crypto {

std::string TokenHash::generateToken() {
  return std::string(kPrefix) + base64UrlEncode(Random::instance().bytes(kRandomSize));
}

std::string TokenHash::hashToken(std::string_view token) {
  std::array<unsigned char, 32> digest{};
  // is224 = 0: SHA-256 proper.
  if (mbedtls_sha256_ret(reinterpret_cast<const unsigned char*>(token.data()), token.size(), digest.data(), 0) != 0) {
    throw std::runtime_error("token hash: SHA-256 failed");
  }
  return hexEncode(std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
}

bool TokenHash::matches(std::string_view token, std::string_view storedHash) {
  const std::string computed = hashToken(token);
  if (storedHash.size() != computed.size()) return false;
  return mbedtls_ct_memcmp(computed.data(), storedHash.data(), computed.size()) == 0;
}

bool TokenHash::looksLikeToken(std::string_view text) {
  if (text.size() != kTokenLength || text.substr(0, kPrefix.size()) != kPrefix) return false;
  for (char c : text.substr(kPrefix.size())) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace mg::crypto
