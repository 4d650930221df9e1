#include "crypto/Random.h"

#include "crypto/MbedtlsError.h"

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <unistd.h>

#include <algorithm>
#include <stdexcept>

namespace mg::crypto {

namespace {
// Personalisation string: separates our DRBG stream from any other user of the same seed.
constexpr char kPersonalisation[] = "mailgate crypto random";
}  // namespace

struct Random::State {
  mbedtls_entropy_context entropy;
  mbedtls_ctr_drbg_context drbg;
  pid_t pid = -1;  // the process that seeded the DRBG; a fork must reseed
  bool seeded = false;
};

Random& Random::instance() {
  static Random random;
  return random;
}

Random::Random() : state_(std::make_unique<State>()) {
  mbedtls_entropy_init(&state_->entropy);
  mbedtls_ctr_drbg_init(&state_->drbg);
}

Random::~Random() {
  mbedtls_ctr_drbg_free(&state_->drbg);
  mbedtls_entropy_free(&state_->entropy);
}

int Random::fillLocked(unsigned char* out, size_t size) {
  const pid_t pid = ::getpid();
  if (!state_->seeded) {
    const int rc = mbedtls_ctr_drbg_seed(&state_->drbg, mbedtls_entropy_func, &state_->entropy,
                                         reinterpret_cast<const unsigned char*>(kPersonalisation),
                                         sizeof(kPersonalisation) - 1);
    if (rc != 0) return rc;
    state_->seeded = true;
    state_->pid = pid;
  } else if (state_->pid != pid) {
    // A forked child inherits the DRBG state verbatim; without fresh entropy it would repeat
    // the parent's nonces, which for AES-GCM is catastrophic.
    const int rc = mbedtls_ctr_drbg_reseed(&state_->drbg, nullptr, 0);
    if (rc != 0) return rc;
    state_->pid = pid;
  }
  while (size > 0) {
    const size_t chunk = std::min<size_t>(size, MBEDTLS_CTR_DRBG_MAX_REQUEST);
    const int rc = mbedtls_ctr_drbg_random(&state_->drbg, out, chunk);
    if (rc != 0) return rc;
    out += chunk;
    size -= chunk;
  }
  return 0;
}

void Random::fill(unsigned char* out, size_t size) {
  std::lock_guard<std::mutex> lock(mutex_);
  const int rc = fillLocked(out, size);
  if (rc != 0) throw std::runtime_error("random: no entropy from the OS: " + detail::mbedtlsError(rc));
}

std::string Random::bytes(size_t size) {
  std::string out(size, '\0');
  fill(reinterpret_cast<unsigned char*>(out.data()), size);
  return out;
}

int Random::generate(void* self, unsigned char* out, size_t size) {
  auto* random = static_cast<Random*>(self);
  std::lock_guard<std::mutex> lock(random->mutex_);
  return random->fillLocked(out, size);
}

}  // namespace mg::crypto
