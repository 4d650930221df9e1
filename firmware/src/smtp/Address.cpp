#include "smtp/Address.h"

#include <cctype>

namespace mg::smtp {
namespace {

bool isCtlOrSpace(unsigned char c) { return c <= 0x20 || c == 0x7f; }

// RFC 5321 Domain or address-literal; lenient about labels, strict about what cannot be one.
bool validDomain(std::string_view d) {
  if (d.empty()) return false;
  if (d.front() == '[') return d.size() > 2 && d.back() == ']';
  if (d.front() == '.' || d.back() == '.' || d.find("..") != std::string_view::npos) return false;
  for (char c : d) {
    const auto u = static_cast<unsigned char>(c);
    // Bytes >= 0x80: a U-label of an internationalised domain (RFC 6531), UTF-8 checked apart.
    if (u < 0x80 && !std::isalnum(u) && c != '-' && c != '.') return false;
  }
  return true;
}

bool validLocalPart(std::string_view l) {
  if (l.empty()) return false;
  if (l.size() >= 2 && l.front() == '"' && l.back() == '"') return true;  // quoted-string
  for (char c : l) {
    if (std::string_view("()<>[]:;,\\\"").find(c) != std::string_view::npos) return false;
  }
  return true;
}

}  // namespace

// Well-formed UTF-8 (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF).
bool validUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t n = 0;
    uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      n = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    for (size_t k = 1; k <= n; ++k) {
      if (i + k >= s.size()) return false;
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    static const uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n + 1;
  }
  return true;
}

common::Result<ParsedAddress> parseMailbox(std::string_view address) {
  using R = common::Result<ParsedAddress>;
  if (address.empty()) return R::error("empty address");
  if (address.size() > kMaxAddressLength) return R::error("address too long");
  ParsedAddress out;
  for (char c : address) {
    const auto u = static_cast<unsigned char>(c);
    if (isCtlOrSpace(u) || c == '<' || c == '>') return R::error("blank or control byte in address");
    if (u >= 0x80) out.utf8 = true;
  }
  if (out.utf8 && !validUtf8(address)) return R::error("8-bit bytes in address that are not UTF-8");
  const size_t at = address.rfind('@');
  if (at == std::string_view::npos) return R::error("missing '@domain'");
  const std::string_view local = address.substr(0, at);
  const std::string_view domain = address.substr(at + 1);
  if (local.size() > 64 || !validLocalPart(local)) return R::error("bad local part");
  if (!validDomain(domain)) return R::error("bad domain");
  out.localPart = std::string(local);
  out.domain = std::string(domain);
  return out;
}

common::Status checkEnvelopeAddress(std::string_view address, bool sender) {
  if (sender && address.empty()) return common::Status::success();
  if (!sender && address.size() == 10) {
    bool postmaster = true;
    for (size_t i = 0; i < 10; ++i) {
      postmaster = postmaster && std::tolower(static_cast<unsigned char>(address[i])) == "postmaster"[i];
    }
    if (postmaster) return common::Status::success();
  }
  return parseMailbox(address).status();
}

}  // namespace mg::smtp
