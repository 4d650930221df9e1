#pragma once
// Text encodings for binary crypto material (blobs, salts, tokens, digests).
#include <optional>
#include <string>
#include <string_view>

namespace mg::crypto {

// RFC 4648 base64 with '=' padding.
std::string base64Encode(std::string_view bytes);
// Strict inverse of base64Encode: no whitespace, correct padding, canonical trailing bits.
// Anything else is nullopt, so one blob has exactly one spelling.
std::optional<std::string> base64Decode(std::string_view text);
// RFC 4648 §5 URL-safe alphabet ('-', '_'), no padding: safe in headers, URLs and shells.
std::string base64UrlEncode(std::string_view bytes);
// RFC 4648 §6 base32 (A–Z, 2–7) without '=' padding: how authenticator apps take a TOTP secret.
std::string base32Encode(std::string_view bytes);
// Lower-case hex.
std::string hexEncode(std::string_view bytes);

}  // namespace mg::crypto
