#pragma once
// How an ImapClient reaches and talks to one server.
#include <chrono>
#include <cstdint>
#include <string>

#include "imap/ResponseParser.h"

namespace mg::imap {

enum class TlsMode { None, StartTls, Implicit };
// "none" | "starttls" | "implicit" (the config spelling); false for anything else.
bool parseTlsMode(const std::string& text, TlsMode& out);
const char* toString(TlsMode mode);

enum class AuthMethod { Auto, Login, Plain };  // Auto: AUTHENTICATE PLAIN when offered, else LOGIN

struct ClientOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 143;
  TlsMode tls = TlsMode::None;
  bool verifyTls = true;  // CA chain and host name; off only for self-signed test servers
  std::chrono::milliseconds timeout{30000};  // every connect, read and write
  AuthMethod auth = AuthMethod::Auto;
  bool useMove = true;         // false forces COPY + STORE \Deleted + UID EXPUNGE
  bool useIdle = true;         // false polls with NOOP even where IDLE is offered
  bool useLiteralPlus = true;  // false always waits for "+" before a literal
  std::string clientName = "mailgate";
  std::string clientVersion = "0";
  ParserLimits limits;
};

}  // namespace mg::imap
