#include "accounts/AccountValidator.h"

#include <cctype>

namespace mg::accounts {
namespace {

using common::Status;

size_t utf8Length(const std::string& s) {
  size_t n = 0;
  for (unsigned char ch : s) n += (ch & 0xC0) != 0x80;
  return n;
}

// C0 controls and DEL: in a name they would garble tables and logs, in anything sent to the
// IMAP server (user, folder) a CR or LF would end the command early.
bool hasControl(const std::string& s) {
  for (unsigned char ch : s) {
    if (ch < 0x20 || ch == 0x7F) return true;
  }
  return false;
}

bool validHost(const std::string& h) {
  for (unsigned char ch : h) {
    // DNS names, IPv4 and bracketed or bare IPv6 literals; nothing else belongs in a host.
    if (!(std::isalnum(ch) || ch == '.' || ch == '-' || ch == '_' || ch == ':' || ch == '[' || ch == ']')) return false;
  }
  return true;
}

}  // namespace

int AccountValidator::defaultPort(const std::string& tls) { return tls == "implicit" ? 993 : 143; }

Status AccountValidator::check(const Account& a) {
  const size_t nameLength = utf8Length(a.name);
  if (nameLength == 0 || nameLength > kMaxName)
    return Status::error("'name' must be 1 to " + std::to_string(kMaxName) + " characters");
  if (hasControl(a.name)) return Status::error("'name' must not contain control characters");
  if (a.name.front() == ' ' || a.name.back() == ' ') return Status::error("'name' must not begin or end with a space");
  if (a.host.empty()) return Status::error("'host' is required (the IMAP server's name or address)");
  if (a.host.size() > kMaxHost || !validHost(a.host))
    return Status::error("'host' must be a host name or an IP address (letters, digits, '.', '-', ':')");
  if (a.port < 1 || a.port > 65535) return Status::error("'port' must be a whole number from 1 to 65535");
  if (a.tls != "implicit" && a.tls != "starttls" && a.tls != "none")
    return Status::error("'tls' must be implicit, starttls or none");
  if (a.username.empty()) return Status::error("'username' is required");
  if (a.username.size() > kMaxUsername || hasControl(a.username))
    return Status::error("'username' must be at most " + std::to_string(kMaxUsername) +
                         " bytes without control characters");
  if (a.quarantineFolder.empty()) return Status::error("'quarantine_folder' must not be empty");
  if (a.quarantineFolder.size() > kMaxFolder || hasControl(a.quarantineFolder))
    return Status::error("'quarantine_folder' must be at most " + std::to_string(kMaxFolder) +
                         " bytes without control characters");
  if (a.intercept != "all" && a.intercept != "rules" && a.intercept != "off")
    return Status::error("'intercept' must be all, rules or off");
  return Status::success();
}

Status AccountValidator::checkPassword(const std::string& password) {
  // Only the shape is judged here; the server decides whether it is right (account test).
  if (password.empty()) return Status::error("'password' must not be empty");
  if (password.size() > kMaxPassword)
    return Status::error("'password' must be at most " + std::to_string(kMaxPassword) + " bytes");
  for (unsigned char ch : password) {
    if (ch == '\0' || ch == '\r' || ch == '\n')
      return Status::error("'password' must not contain NUL or line breaks (a stray newline from a file?)");
  }
  return Status::success();
}

}  // namespace mg::accounts
