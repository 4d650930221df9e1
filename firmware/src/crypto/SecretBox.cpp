#include "crypto/SecretBox.h"

#include "crypto/Encoding.h"
#include "crypto/MbedtlsError.h"
#include "crypto/Random.h"

#include <mbedtls/gcm.h>
#include <mbedtls/platform_util.h>

#include <stdexcept>
#include <utility>

namespace mg::crypto {

namespace {

constexpr unsigned kKeyBits = DeviceKey::kSize * 8;
constexpr size_t kOverhead = SecretBox::kNonceSize + SecretBox::kTagSize;

// One GCM context per call: mbedtls_gcm_context holds per-message state, so a shared one
// would need a lock; the AES key schedule is cheap next to a database write.
class Gcm {
 public:
  explicit Gcm(const DeviceKey& key) {
    mbedtls_gcm_init(&ctx_);
    rc_ = mbedtls_gcm_setkey(&ctx_, MBEDTLS_CIPHER_ID_AES, key.bytes().data(), kKeyBits);
  }
  ~Gcm() { mbedtls_gcm_free(&ctx_); }
  Gcm(const Gcm&) = delete;
  Gcm& operator=(const Gcm&) = delete;
  int setupError() const { return rc_; }
  mbedtls_gcm_context* get() { return &ctx_; }

 private:
  mbedtls_gcm_context ctx_;
  int rc_ = 0;
};

const unsigned char* bytesOf(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }
unsigned char* bytesOf(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }

}  // namespace

SecretBox::SecretBox(DeviceKey key) : key_(std::move(key)) {}

bool SecretBox::looksSealed(std::string_view text) { return text.substr(0, kPrefix.size()) == kPrefix; }

std::string SecretBox::seal(std::string_view plaintext, std::string_view associatedData) const {
  if (plaintext.size() > kMaxPlaintextSize) throw std::invalid_argument("secret box: secret too long to seal");
  // Layout nonce | ciphertext | tag in one buffer, then base64 the whole.
  std::string raw(kNonceSize + plaintext.size() + kTagSize, '\0');
  unsigned char* nonce = bytesOf(raw);
  unsigned char* ciphertext = nonce + kNonceSize;
  unsigned char* tag = ciphertext + plaintext.size();
  Random::instance().fill(nonce, kNonceSize);

  Gcm gcm(key_);
  int rc = gcm.setupError();
  if (rc == 0) {
    rc = mbedtls_gcm_crypt_and_tag(gcm.get(), MBEDTLS_GCM_ENCRYPT, plaintext.size(), nonce, kNonceSize,
                                   bytesOf(associatedData), associatedData.size(), bytesOf(plaintext), ciphertext,
                                   kTagSize, tag);
  }
  if (rc != 0) throw std::runtime_error("secret box: seal failed: " + detail::mbedtlsError(rc));
  return std::string(kPrefix) + base64Encode(raw);
}

common::Result<std::string> SecretBox::open(std::string_view blob, std::string_view associatedData) const {
  using R = common::Result<std::string>;
  if (!looksSealed(blob)) return R::error("secret box: not a sealed secret (expected prefix 'v1:')");
  blob.remove_prefix(kPrefix.size());
  if (blob.size() > (kMaxPlaintextSize + kOverhead + 2) / 3 * 4) return R::error("secret box: sealed secret too long");
  auto raw = base64Decode(blob);
  if (!raw) return R::error("secret box: sealed secret is not valid base64");
  if (raw->size() < kOverhead) return R::error("secret box: sealed secret too short");

  const size_t length = raw->size() - kOverhead;
  const unsigned char* nonce = bytesOf(*raw);
  const unsigned char* ciphertext = nonce + kNonceSize;
  const unsigned char* tag = ciphertext + length;
  std::string plaintext(length, '\0');

  Gcm gcm(key_);
  int rc = gcm.setupError();
  if (rc == 0) {
    rc = mbedtls_gcm_auth_decrypt(gcm.get(), length, nonce, kNonceSize, bytesOf(associatedData),
                                  associatedData.size(), tag, kTagSize, ciphertext, bytesOf(plaintext));
  }
  if (rc == MBEDTLS_ERR_GCM_AUTH_FAILED) {
    // mbedTLS already wiped the output; say which causes are possible without guessing.
    return R::error("secret box: authentication failed (wrong device key, wrong associated data, or altered blob)");
  }
  if (rc != 0) {
    mbedtls_platform_zeroize(plaintext.data(), plaintext.size());
    return R::error("secret box: open failed: " + detail::mbedtlsError(rc));
  }
  return plaintext;
}

}  // namespace mg::crypto
