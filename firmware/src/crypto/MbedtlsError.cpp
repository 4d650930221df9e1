#include "crypto/MbedtlsError.h"

#include <mbedtls/error.h>

#include <array>
#include <cstdio>

namespace mg::crypto::detail {

std::string mbedtlsError(int code) {
  std::array<char, 160> text{};
  mbedtls_strerror(code, text.data(), text.size());
  std::array<char, 24> number{};
  const unsigned magnitude = code < 0 ? static_cast<unsigned>(-code) : static_cast<unsigned>(code);
  std::snprintf(number.data(), number.size(), "%s0x%04X", code < 0 ? "-" : "", magnitude);
  return std::string(text.data()) + " (" + number.data() + ")";
}

}  // namespace mg::crypto::detail
