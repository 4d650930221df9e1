#pragma once
// Operator passwords: PBKDF2-HMAC-SHA256 with a random 16-byte salt, stored as
// "pbkdf2-sha256$<iterations>$<salt base64>$<hash base64>". The iteration count travels
// with the hash, so raising the default later only needs a rehash at the next good login.
#include "common/Status.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace mg::crypto {

class PasswordHash {
 public:
  static constexpr std::string_view kScheme = "pbkdf2-sha256";
  // OWASP's figure for PBKDF2-HMAC-SHA256 (2023). About 0.7 s per hash on an x86 server core
  // (mbedTLS 2.28 has no SHA extensions), so a few seconds on a Pi 3/4 core: paid once per
  // login, and logins are throttled ([limits] login_attempts) and checked one at a time, so
  // guessing cannot pin the cores. Older hashes (150,000) are upgraded at the next good login.
  static constexpr uint32_t kDefaultIterations = 600000;
  // Bounds what a stored (possibly hostile) hash can make verify() spend.
  static constexpr uint32_t kMaxIterations = 10000000;
  static constexpr size_t kSaltSize = 16;
  static constexpr size_t kHashSize = 32;

  // Throws std::invalid_argument when iterations is 0 or above kMaxIterations.
  static std::string hash(std::string_view password, uint32_t iterations = kDefaultIterations);
  // True only for a well-formed encoding whose hash matches; compares in constant time.
  // A malformed encoding is false (checkEncoding() says why).
  static bool verify(std::string_view password, std::string_view encoded);
  // Success when `encoded` is a hash this class can verify; else what is wrong with it.
  static common::Status checkEncoding(std::string_view encoded);
  // True when `encoded` uses fewer iterations than wanted (or is malformed): rehash on login.
  static bool needsRehash(std::string_view encoded, uint32_t iterations = kDefaultIterations);
};

}  // namespace mg::crypto
