#pragma once
// Seals short secrets (IMAP and relay passwords) at rest with AES-256-GCM under the device key.
// A blob is self-describing text, "v1:" + base64(nonce 12 | ciphertext | tag 16), so it fits
// in a TEXT column or an INI value and a later format can be told apart by its prefix.
#include "common/Status.h"
#include "crypto/DeviceKey.h"

#include <cstddef>
#include <string>
#include <string_view>

namespace mg::crypto {

class SecretBox {
 public:
  static constexpr std::string_view kPrefix = "v1:";
  static constexpr size_t kNonceSize = 12;
  static constexpr size_t kTagSize = 16;
  // Secrets are passwords, not documents; the bound keeps a hostile blob from costing memory.
  static constexpr size_t kMaxPlaintextSize = 64 * 1024;

  explicit SecretBox(DeviceKey key);

  // Fresh random nonce every call, so sealing the same secret twice gives different blobs.
  // `associatedData` binds the blob to its owner (e.g. "account:7:password"): a blob copied
  // to another row does not open there. Throws std::invalid_argument above kMaxPlaintextSize,
  // std::runtime_error if the OS entropy source fails (no safe nonce without it).
  std::string seal(std::string_view plaintext, std::string_view associatedData) const;
  // Wrong key, wrong associated data or any changed byte is an error, never garbage.
  common::Result<std::string> open(std::string_view blob, std::string_view associatedData) const;

  // True when `text` has the shape of a sealed blob (not whether it opens).
  static bool looksSealed(std::string_view text);

 private:
  DeviceKey key_;
};

}  // namespace mg::crypto
