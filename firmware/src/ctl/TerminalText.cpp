#include "ctl/TerminalText.h"

#include <cstdint>
#include <vector>

namespace mg::ctl {
namespace {

struct CodePoint {
  uint32_t value;
  std::string_view bytes;  // as found in the input (valid UTF-8), or "?" for a bad byte
};

// Decodes UTF-8; each invalid byte is one code point U+FFFD with bytes "?".
std::vector<CodePoint> decode(std::string_view s) {
  std::vector<CodePoint> out;
  size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    size_t len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xe ? 3 : (b >> 3) == 0x1e ? 4 : 0;
    uint32_t cp = len == 1 ? b : len == 2 ? (b & 0x1fu) : len == 3 ? (b & 0x0fu) : (b & 0x07u);
    bool valid = len > 0 && i + len <= s.size();
    for (size_t k = 1; valid && k < len; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xc0) != 0x80) valid = false;
      cp = (cp << 6) | (c & 0x3fu);
    }
    // Overlong forms and surrogates are how filters get fooled: treat them as invalid.
    if (valid && ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
                  (cp >= 0xd800 && cp <= 0xdfff)))
      valid = false;
    if (!valid) {
      out.push_back({0xfffd, "?"});
      ++i;
      continue;
    }
    out.push_back({cp, s.substr(i, len)});
    i += len;
  }
  return out;
}

bool isControl(uint32_t cp) { return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0); }

// Bidi overrides and isolates can make a line read differently from what it is.
bool isBidiControl(uint32_t cp) {
  return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200e || cp == 0x200f;
}

size_t columnsOf(uint32_t cp) {
  if ((cp >= 0x0300 && cp <= 0x036f) || cp == 0x200b || cp == 0x200d || (cp >= 0xfe00 && cp <= 0xfe0f)) return 0;
  if ((cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) || (cp >= 0xac00 && cp <= 0xd7a3) ||
      (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
      (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1f64f) || (cp >= 0x1f900 && cp <= 0x1f9ff) ||
      (cp >= 0x20000 && cp <= 0x3fffd))
    return 2;
  return 1;
}

std::string clean(std::string_view text, bool multiLine) {
  std::string out;
  out.reserve(text.size());
  for (const auto& cp : decode(text)) {
    if (cp.value == '\r' && multiLine) continue;
    if (cp.value == '\n' || cp.value == '\t' || cp.value == '\r') {
      out += multiLine ? static_cast<char>(cp.value) : ' ';
    } else if (isControl(cp.value) || isBidiControl(cp.value)) {
      out += '?';
    } else {
      out += cp.bytes;
    }
  }
  return out;
}

}  // namespace

std::string TerminalText::block(std::string_view text) { return clean(text, true); }

std::string TerminalText::oneLine(std::string_view text, size_t maxColumns) {
  return cut(clean(text, false), maxColumns);
}

size_t TerminalText::width(std::string_view text) {
  size_t w = 0;
  for (const auto& cp : decode(text)) w += columnsOf(cp.value);
  return w;
}

std::string TerminalText::cut(std::string_view text, size_t columns) {
  if (width(text) <= columns) return std::string(text);
  if (columns == 0) return "";
  std::string out;
  size_t used = 0;
  for (const auto& cp : decode(text)) {
    const size_t w = columnsOf(cp.value);
    if (used + w > columns - 1) break;  // one column is kept for the ellipsis
    out += cp.bytes;
    used += w;
  }
  return out + "\u2026";
}

std::string TerminalText::fit(std::string_view text, size_t columns) {
  std::string out = cut(text, columns);
  const size_t w = width(out);
  if (w < columns) out.append(columns - w, ' ');
  return out;
}

}  // namespace mg::ctl
