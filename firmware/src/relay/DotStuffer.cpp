#include "relay/DotStuffer.h"

namespace mg::relay {

void DotStuffer::feed(std::string_view chunk, std::string& out) {
  out.reserve(out.size() + chunk.size() + chunk.size() / 64 + 4);
  for (const char c : chunk) {
    if (pendingCr_) {
      pendingCr_ = false;
      if (c == '\n') {
        out += "\r\n";
        atLineStart_ = true;
        continue;
      }
      // A lone CR: the wire has no such thing (RFC 5321 §2.3.8), and a receiver that took it
      // for a line end could be smuggled into (bare CR, like bare LF, is a line end to some).
      out += "\r\n";
      atLineStart_ = true;
    }
    if (c == '\r') {
      pendingCr_ = true;
      continue;
    }
    if (c == '\n') {  // bare LF: the wire needs CRLF
      out += "\r\n";
      atLineStart_ = true;
      continue;
    }
    if (atLineStart_ && c == '.') out += '.';
    out += c;
    atLineStart_ = false;
  }
}

void DotStuffer::finish(std::string& out) {
  if (pendingCr_) {
    out += "\r\n";
    pendingCr_ = false;
    atLineStart_ = true;
  }
  if (!atLineStart_) out += "\r\n";
  out += ".\r\n";
  atLineStart_ = true;
}

std::string dotStuff(std::string_view raw) {
  DotStuffer stuffer;
  std::string out;
  stuffer.feed(raw, out);
  stuffer.finish(out);
  return out;
}

bool hasEightBit(std::string_view raw) {
  for (const char c : raw) {
    if (static_cast<unsigned char>(c) >= 0x80) return true;
  }
  return false;
}

}  // namespace mg::relay
