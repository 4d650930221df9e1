#pragma once
// Small text helpers shared by every module.
#include <string>
#include <string_view>
#include <vector>

namespace mg::common {

// Remote text made safe for a log line or a reply: control bytes become '?', cut to `max`.
std::string sanitize(std::string_view remote, size_t max = 128);
std::string toLower(std::string_view s);
bool iequals(std::string_view a, std::string_view b);
bool istartsWith(std::string_view s, std::string_view prefix);
std::string_view trim(std::string_view s);
std::vector<std::string> split(std::string_view s, char sep);
// Lower-case hex of SHA-256.
std::string sha256Hex(std::string_view data);
// Cryptographically random bytes from the OS, hex encoded.
std::string randomHex(size_t bytes);

}  // namespace mg::common
