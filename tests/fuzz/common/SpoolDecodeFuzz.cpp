// Any bytes as a spool file (recovery reads files a crash may have cut short).
#include <cstdint>
#include <string_view>

#include "spool/Spool.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto decoded = mg::spool::Spool::decode(bytes);
  if (decoded) {
    // What decodes must encode back to the same bytes: the format has one spelling.
    const std::string again = mg::spool::Spool::encode(decoded->envelope, decoded->raw);
    if (again != bytes) __builtin_trap();
  }
  return 0;
}
