#pragma once
// The device key: 32 random bytes in data_dir/secret.key (mode 0600) under which account and
// relay passwords are sealed (SecretBox). Losing it means re-entering those passwords; a copy
// readable by others means they are disclosed — so a wrong mode is refused, not repaired.
#include "common/Status.h"

#include <array>
#include <cstddef>
#include <filesystem>
#include <string_view>

namespace mg::crypto {

class DeviceKey {
 public:
  static constexpr size_t kSize = 32;
  static constexpr const char* kFileName = "secret.key";

  // Loads data_dir/secret.key, creating it (and data_dir) when it does not exist yet.
  static common::Result<DeviceKey> loadOrCreate(const std::filesystem::path& dataDir);
  // Loads an existing key file; refuses a symlink, a wrong size, or group/other access.
  static common::Result<DeviceKey> load(const std::filesystem::path& file);
  // Exactly kSize raw bytes (tests, and keys held elsewhere).
  static common::Result<DeviceKey> fromBytes(std::string_view raw);

  DeviceKey(const DeviceKey& other) = default;
  DeviceKey& operator=(const DeviceKey& other) = default;
  ~DeviceKey();  // wipes the key bytes

  const std::array<unsigned char, kSize>& bytes() const { return bytes_; }

 private:
  DeviceKey() = default;
  std::array<unsigned char, kSize> bytes_{};
};

}  // namespace mg::crypto
