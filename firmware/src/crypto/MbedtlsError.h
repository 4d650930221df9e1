#pragma once
// mbedTLS reports failures as negative ints; errors that cross our API carry readable text.
#include <string>

namespace mg::crypto::detail {

// "GCM - Authenticated decryption failed (-0x0012)": never contains key or plaintext bytes.
std::string mbedtlsError(int code);

}  // namespace mg::crypto::detail
