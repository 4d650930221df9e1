// Any bytes as a configuration file: the loader must report problems, never crash or throw.
#include <cstdint>
#include <string_view>

#include "common/SettingsLoader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto loaded = mg::common::loadSettingsFromText(std::string_view(reinterpret_cast<const char*>(data), size));
  for (const auto& p : loaded.problems) (void)p.toString();
  return 0;
}
