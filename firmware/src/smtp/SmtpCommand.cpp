#include "smtp/SmtpCommand.h"

#include "smtp/Address.h"

#include <cctype>

#include "common/Text.h"

namespace mg::smtp {
namespace {

using common::Result;
using common::Status;

bool isCtlOrSpace(unsigned char c) { return c <= 0x20 || c == 0x7f; }

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trimBlanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Checks "<...>" at the start of `arg`; returns the address and leaves the parameters in `rest`.
// Why so strict on blanks: a space inside a path is the commonest broken-client symptom and
// accepting it makes the parameter split ambiguous.
Result<std::string> parsePath(std::string_view arg, bool isMail, std::string_view& rest, bool& utf8) {
  if (arg.empty() || arg.front() != '<') return Status::error("missing '<'");
  const size_t close = arg.find('>');
  if (close == std::string_view::npos) return Status::error("missing '>'");
  if (close + 1 > kMaxPathLength) return Status::error("path too long");
  std::string_view addr = arg.substr(1, close - 1);
  rest = arg.substr(close + 1);
  if (!rest.empty() && rest.front() != ' ') return Status::error("junk after '>'");
  if (addr.empty()) {
    if (isMail) return std::string();
    return Status::error("empty recipient");
  }
  for (char c : addr) {  // before the source route is cut: it may not hide a blank either
    if (isCtlOrSpace(static_cast<unsigned char>(c)) || c == '<') return Status::error("blank or control byte in address");
  }
  if (addr.front() == '@') {  // RFC 5321 §4.1.2 source route: accepted and ignored
    const size_t colon = addr.find(':');
    if (colon == std::string_view::npos) return Status::error("bad source route");
    addr.remove_prefix(colon + 1);
  }
  if (!isMail && common::iequals(addr, "postmaster")) return std::string(addr);  // §4.1.1.3
  auto parsed = parseMailbox(addr);
  if (!parsed) return parsed.status();
  utf8 = parsed->utf8;
  return std::string(addr);
}

Status parseParameters(std::string_view params, bool isMail, SmtpCommand& cmd) {
  bool sawAuth = false;
  for (const auto& raw : common::split(params, ' ')) {
    if (raw.empty()) continue;  // several blanks between parameters
    const size_t eq = raw.find('=');
    const std::string key = upper(std::string_view(raw).substr(0, eq));
    const std::string value = eq == std::string::npos ? std::string() : raw.substr(eq + 1);
    if (!isMail) return Status::error("555 5.5.4 Unsupported RCPT TO parameter " + common::sanitize(key, 32));
    if (key == "SIZE") {
      if (cmd.size) return Status::error("501 5.5.4 Duplicate SIZE parameter");
      if (value.empty() || value.size() > 19 || value.find_first_not_of("0123456789") != std::string::npos) {
        return Status::error("501 5.5.4 Bad SIZE parameter");
      }
      cmd.size = std::stoull(value);
    } else if (key == "BODY") {
      if (cmd.body) return Status::error("501 5.5.4 Duplicate BODY parameter");
      if (common::iequals(value, "7BIT")) {
        cmd.body = BodyType::SevenBit;
      } else if (common::iequals(value, "8BITMIME")) {
        cmd.body = BodyType::EightBitMime;
      } else {
        return Status::error("501 5.5.4 Unsupported BODY type (7BIT or 8BITMIME)");
      }
    } else if (key == "SMTPUTF8") {
      if (cmd.smtpUtf8 || eq != std::string::npos) return Status::error("501 5.5.4 Bad SMTPUTF8 parameter (it takes no value)");
      cmd.smtpUtf8 = true;
    } else if (key == "AUTH") {
      // RFC 4954 §5: a server that offers AUTH must accept MAIL's AUTH= parameter; the gate
      // has no trust relation to pass it on, so it is checked for presence and dropped.
      if (sawAuth || value.empty()) return Status::error("501 5.5.4 Bad AUTH parameter");
      sawAuth = true;
    } else {
      return Status::error("555 5.5.4 Unsupported MAIL FROM parameter " + common::sanitize(key, 32));
    }
  }
  return Status::success();
}

Result<SmtpCommand> parseMailOrRcpt(SmtpCommand cmd, bool isMail) {
  const std::string_view keyword = isMail ? "FROM:" : "TO:";
  const std::string syntax = isMail ? "501 5.5.4 Syntax: MAIL FROM:<address>" : "501 5.5.4 Syntax: RCPT TO:<address>";
  std::string_view arg = cmd.argument;
  if (!common::istartsWith(arg, keyword)) return Status::error(syntax);
  arg.remove_prefix(keyword.size());
  while (!arg.empty() && arg.front() == ' ') arg.remove_prefix(1);  // "MAIL FROM: <a>" is common
  std::string_view rest;
  auto path = parsePath(arg, isMail, rest, cmd.utf8Path);
  if (!path) {
    const std::string prefix = isMail ? "501 5.1.7 Bad sender address syntax: " : "501 5.1.3 Bad recipient address syntax: ";
    return Status::error(prefix + path.errorMessage());
  }
  cmd.path = std::move(path.value());
  cmd.nullPath = isMail && cmd.path.empty();
  if (auto st = parseParameters(rest, isMail, cmd); !st) return st;
  return cmd;
}

}  // namespace

std::string commandVerb(std::string_view line) { return upper(line.substr(0, line.find(' '))); }

Result<SmtpCommand> parseCommand(std::string_view line) {
  if (line.size() + 2 > kMaxCommandLine) return Status::error("500 5.5.2 Line too long");
  SmtpCommand cmd;
  cmd.verb = commandVerb(line);
  if (cmd.verb.empty()) return Status::error("500 5.5.2 Syntax error: empty command");
  const size_t sp = line.find(' ');
  if (sp != std::string_view::npos) cmd.argument = std::string(trimBlanks(line.substr(sp + 1)));
  if (cmd.verb == "MAIL") return parseMailOrRcpt(std::move(cmd), true);
  if (cmd.verb == "RCPT") return parseMailOrRcpt(std::move(cmd), false);
  return cmd;
}

}  // namespace mg::smtp
