#include "imap/Response.h"

#include "common/Text.h"

namespace mg::imap {

bool Response::isStatus() const {
  return name == "OK" || name == "NO" || name == "BAD" || name == "BYE" || name == "PREAUTH";
}

std::string Response::describe() const {
  std::string out = name;
  if (code) out += " [" + code->raw + "]";
  if (!text.empty()) out += " " + text;
  return common::sanitize(out, 200);
}

std::string Response::debugString() const {
  std::string out;
  switch (kind) {
    case Kind::Untagged: out = "*"; break;
    case Kind::Tagged: out = tag; break;
    case Kind::Continuation: return "+ " + text;
  }
  if (number) out += " " + std::to_string(*number);
  out += " " + name;
  if (code) {
    out += " [" + code->name;
    for (const auto& a : code->args) out += " " + a.debugString();
    out += "]";
  }
  for (const auto& v : data) out += " " + v.debugString();
  if (!text.empty()) out += " " + text;
  return out;
}

}  // namespace mg::imap
