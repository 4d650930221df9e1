#pragma once
// The SMTP command parser (RFC 5321 §4.1): pure, no state, fuzzable. It splits a command line
// (CRLF already stripped) into verb and argument and, for MAIL and RCPT, checks the path and
// the ESMTP parameters we support. Errors are values: the Status message of a failed parse is
// a complete reply line without CRLF ("501 5.1.7 Bad sender address syntax: missing '<'"),
// ready for the session to send.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/Status.h"

namespace mg::smtp {

// RFC 5321 §4.5.3.1.4: a command line is at most 512 octets, CRLF included.
inline constexpr size_t kMaxCommandLine = 512;
// RFC 5321 §4.5.3.1.3: a reverse- or forward-path is at most 256 octets, brackets included.
inline constexpr size_t kMaxPathLength = 256;

enum class BodyType { SevenBit, EightBitMime };

struct SmtpCommand {
  std::string verb;      // upper-cased ("MAIL"); may be anything the client sent
  std::string argument;  // the rest of the line, blanks around it removed
  // MAIL and RCPT only:
  std::string path;      // the address without brackets or source route; empty for <>
  bool nullPath = false; // MAIL FROM:<>
  std::optional<uint64_t> size;   // MAIL SIZE=
  std::optional<BodyType> body;   // MAIL BODY=
  bool smtpUtf8 = false;          // MAIL SMTPUTF8 (RFC 6531 §3.4)
  bool utf8Path = false;          // the path has non-ASCII (UTF-8) bytes: needs SMTPUTF8
};

// The verb alone, upper-cased: lets the session check the state before the syntax.
std::string commandVerb(std::string_view line);

common::Result<SmtpCommand> parseCommand(std::string_view line);

}  // namespace mg::smtp
