#pragma once
// Small text helpers shared by every module.
#include <cstdint>
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
// The parts with `sep` between them ("a, b, c").
std::string join(const std::vector<std::string>& parts, std::string_view sep);
// The length of the longest prefix of `s` of at most `max` bytes that does not end inside a
// UTF-8 sequence.
size_t utf8Prefix(std::string_view s, size_t max);
// `s` itself when it has at most `max` bytes, else its UTF-8-safe prefix and "…" (a capped
// display field: what a list shows of a 20 MB Subject).
std::string capText(std::string_view s, size_t max);
// A duration for people: "45 s", "12 min", "5 h", "3 days".
std::string humanAge(int64_t millis);
// Lower-case hex of SHA-256.
std::string sha256Hex(std::string_view data);
// Cryptographically random bytes from the OS, hex encoded.
std::string randomHex(size_t bytes);

}  // namespace mg::common
