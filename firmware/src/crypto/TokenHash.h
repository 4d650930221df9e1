#pragma once
// API tokens: shown to the operator once, stored only as a SHA-256 hex digest. A token has
// 256 random bits, so a plain (unsalted, fast) hash is enough — nothing to brute-force.
#include <cstddef>
#include <string>
#include <string_view>

namespace mg::crypto {

class TokenHash {
 public:
  // The prefix makes a leaked token recognisable to secret scanners and to people.
  static constexpr std::string_view kPrefix = "mg_";
  static constexpr size_t kRandomSize = 32;
  // kPrefix + 43 URL-safe base64 characters.
  static constexpr size_t kTokenLength = 3 + (kRandomSize * 4 + 2) / 3;

  // "mg_" + base64url(32 random bytes), no padding: safe in headers, URLs and shells.
  static std::string generateToken();
  // Lower-case hex SHA-256 of the whole token text (prefix included): the stored form.
  static std::string hashToken(std::string_view token);
  // Constant-time comparison of hashToken(token) with a stored digest.
  static bool matches(std::string_view token, std::string_view storedHash);
  // True when `text` has the shape generateToken() produces.
  static bool looksLikeToken(std::string_view text);
};

}  // namespace mg::crypto
