#pragma once
// One process-wide CSPRNG for everything the crypto module makes: keys, nonces, salts,
// tokens, certificate serials. mbedTLS CTR_DRBG seeded from the OS entropy source
// (getrandom), reseeded automatically after a fork so parent and child never share output.
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>

namespace mg::crypto {

class Random {
 public:
  static Random& instance();

  // Fills `out` with `size` random bytes. Throws std::runtime_error only when the OS entropy
  // source fails, which leaves nothing safe to continue with.
  void fill(unsigned char* out, size_t size);
  std::string bytes(size_t size);

  // An mbedTLS f_rng callback; pass `&Random::instance()` as p_rng. Returns 0 or an mbedTLS error.
  static int generate(void* self, unsigned char* out, size_t size);

  Random(const Random&) = delete;
  Random& operator=(const Random&) = delete;

 private:
  Random();
  ~Random();
  int fillLocked(unsigned char* out, size_t size);

  struct State;
  std::unique_ptr<State> state_;
  std::mutex mutex_;
};

}  // namespace mg::crypto
