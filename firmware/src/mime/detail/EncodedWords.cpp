#include "mime/detail/EncodedWords.h"

#include <algorithm>

namespace mg::mime::detail {

namespace {

constexpr size_t kMaxWord = 75;  // RFC 2047 §2
const std::string kOpen = "=?UTF-8?Q?";
const std::string kClose = "?=";

// Characters that may stand for themselves in a Q-encoded word in unstructured text
// (RFC 2047 §4.2, §5(1)); a space is written "_".
bool literal(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         c == '!' || c == '*' || c == '+' || c == '-' || c == '/' || c == '.' || c == ',';
}

std::string encodeByte(unsigned char c) {
  if (c == ' ') return "_";
  if (literal(c)) return std::string(1, static_cast<char>(c));
  static const char kHex[] = "0123456789ABCDEF";
  return std::string{'=', kHex[c >> 4], kHex[c & 15]};
}

// Bytes in the UTF-8 sequence that starts with `lead` (1 for anything that is not a lead).
size_t sequenceLength(unsigned char lead) {
  if (lead >= 0xF0) return 4;
  if (lead >= 0xE0) return 3;
  if (lead >= 0xC0) return 2;
  return 1;
}

}  // namespace

bool needsEncodedWords(const std::string& utf8) {
  for (unsigned char c : utf8) {
    if (c >= 0x80) return true;
  }
  return utf8.find("=?") != std::string::npos;
}

std::string qEncodedWords(const std::string& utf8) {
  std::string out;
  std::string word;
  const size_t room = kMaxWord - kOpen.size() - kClose.size();
  auto flush = [&] {
    if (word.empty()) return;
    out += " " + kOpen + word + kClose + "\n";
    word.clear();
  };
  for (size_t i = 0; i < utf8.size();) {
    // One whole character at a time, so no word ends inside a multi-byte sequence.
    const size_t n = std::min(sequenceLength(static_cast<unsigned char>(utf8[i])), utf8.size() - i);
    std::string encoded;
    for (size_t k = 0; k < n; ++k) encoded += encodeByte(static_cast<unsigned char>(utf8[i + k]));
    if (word.size() + encoded.size() > room) flush();
    word += encoded;
    i += n;
  }
  flush();
  if (out.empty()) out = " \n";
  return out;
}

}  // namespace mg::mime::detail
