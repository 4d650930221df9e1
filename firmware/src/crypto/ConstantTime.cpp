#include "crypto/ConstantTime.h"

// mbedTLS 2.28 ships constant_time.h without the extern "C" guard its other headers have.
extern "C" {
#include <mbedtls/constant_time.h>
}

namespace mg::crypto {

bool sameSecret(std::string_view given, std::string_view expected) {
  if (expected.empty() || given.size() != expected.size()) return false;
  return mbedtls_ct_memcmp(given.data(), expected.data(), expected.size()) == 0;
}

}  // namespace mg::crypto
