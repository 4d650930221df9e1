#include "crypto/PasswordHash.h"

#include "crypto/Encoding.h"
#include "crypto/MbedtlsError.h"
#include "crypto/Random.h"

// mbedTLS 2.28 ships constant_time.h without the extern "C" guard its other headers have.
extern "C" {
#include <mbedtls/constant_time.h>
}
#include <mbedtls/md.h>
#include <mbedtls/pkcs5.h>
#include <mbedtls/platform_util.h>

#include <array>
#include <stdexcept>

namespace mg::crypto {

namespace {

constexpr size_t kMinSaltSize = 8;
constexpr size_t kMinHashSize = 16;
constexpr size_t kMaxDecodedSize = 64;

struct Parsed {
  uint32_t iterations = 0;
  std::string salt;
  std::string hash;
};

// Decimal digits only, no sign, no leading zero, within [1, kMaxIterations].
bool parseIterations(std::string_view text, uint32_t& out) {
  if (text.empty() || text.size() > 8 || text.front() == '0') return false;
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  if (value > PasswordHash::kMaxIterations) return false;
  out = static_cast<uint32_t>(value);
  return true;
}

common::Result<Parsed> parse(std::string_view encoded) {
  using R = common::Result<Parsed>;
  std::array<std::string_view, 4> fields;
  for (size_t i = 0; i < 4; ++i) {
    const size_t dollar = encoded.find('$');
    if ((dollar == std::string_view::npos) != (i == 3)) return R::error("password hash: expected 4 '$'-separated fields");
    fields[i] = encoded.substr(0, dollar);
    encoded = dollar == std::string_view::npos ? std::string_view() : encoded.substr(dollar + 1);
  }
  if (fields[0] != PasswordHash::kScheme) return R::error("password hash: unknown scheme (expected pbkdf2-sha256)");
  Parsed parsed;
  if (!parseIterations(fields[1], parsed.iterations)) return R::error("password hash: bad iteration count");
  auto salt = base64Decode(fields[2]);
  if (!salt || salt->size() < kMinSaltSize || salt->size() > kMaxDecodedSize) return R::error("password hash: bad salt");
  auto hash = base64Decode(fields[3]);
  if (!hash || hash->size() < kMinHashSize || hash->size() > kMaxDecodedSize) return R::error("password hash: bad hash");
  parsed.salt = std::move(*salt);
  parsed.hash = std::move(*hash);
  return parsed;
}

// PBKDF2-HMAC-SHA256(password, salt, iterations) → `size` bytes; throws only on mbedTLS failure.
std::string derive(std::string_view password, std::string_view salt, uint32_t iterations, size_t size) {
  mbedtls_md_context_t md;
  mbedtls_md_init(&md);
  std::string out(size, '\0');
  int rc = mbedtls_md_setup(&md, mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), 1);
  if (rc == 0) {
    rc = mbedtls_pkcs5_pbkdf2_hmac(&md, reinterpret_cast<const unsigned char*>(password.data()), password.size(),
                                   reinterpret_cast<const unsigned char*>(salt.data()), salt.size(), iterations,
                                   static_cast<uint32_t>(size), reinterpret_cast<unsigned char*>(out.data()));
  }
  mbedtls_md_free(&md);
  if (rc != 0) throw std::runtime_error("password hash: PBKDF2 failed: " + detail::mbedtlsError(rc));
  return out;
}

}  // namespace

std::string PasswordHash::hash(std::string_view password, uint32_t iterations) {
  if (iterations == 0 || iterations > kMaxIterations) {
    throw std::invalid_argument("password hash: iterations must be in 1.." + std::to_string(kMaxIterations));
  }
  const std::string salt = Random::instance().bytes(kSaltSize);
  std::string derived = derive(password, salt, iterations, kHashSize);
  std::string encoded = std::string(kScheme) + "$" + std::to_string(iterations) + "$" + base64Encode(salt) + "$" +
                        base64Encode(derived);
  mbedtls_platform_zeroize(derived.data(), derived.size());
  return encoded;
}

bool PasswordHash::verify(std::string_view password, std::string_view encoded) {
  auto parsed = parse(encoded);
  if (!parsed) return false;
  std::string derived = derive(password, parsed->salt, parsed->iterations, parsed->hash.size());
  // Constant time: how many leading bytes matched must not leak through timing.
  const bool match = mbedtls_ct_memcmp(derived.data(), parsed->hash.data(), derived.size()) == 0;
  mbedtls_platform_zeroize(derived.data(), derived.size());
  return match;
}

common::Status PasswordHash::checkEncoding(std::string_view encoded) { return parse(encoded).status(); }

bool PasswordHash::needsRehash(std::string_view encoded, uint32_t iterations) {
  auto parsed = parse(encoded);
  return !parsed || parsed->iterations < iterations || parsed->salt.size() < kSaltSize ||
         parsed->hash.size() < kHashSize;
}

}  // namespace mg::crypto
