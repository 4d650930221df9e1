#include "web/UserRules.h"

#include <cctype>

namespace mg::web {

bool validRole(const std::string& r) { return r == "admin" || r == "reviewer"; }

size_t utf8Length(const std::string& s) {
  size_t n = 0;
  for (unsigned char ch : s) n += (ch & 0xC0) != 0x80;
  return n;
}

bool validUsername(const std::string& u) {
  if (u.empty() || u.size() > 64) return false;
  for (char ch : u) {
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '_' || ch == '-' || ch == '@')) return false;
  }
  return true;
}

std::string userProblem(const std::string& name, const std::string& role, const std::string& password) {
  if (!validUsername(name)) return "'username' must be 1-64 letters, digits or . _ - @";
  if (!validRole(role)) return "'role' must be admin or reviewer";
  if (utf8Length(password) < kMinPasswordChars) return "a password needs at least 10 characters";
  return "";
}

}  // namespace mg::web
