#pragma once
// What a session asks of its transport. The session is pure (no sockets); the server's
// connection implements this, tests and the fuzzer record or ignore it.
#include <string>

namespace mg::smtp {

class SmtpSessionOutput {
 public:
  virtual ~SmtpSessionOutput() = default;
  // One or more complete reply lines, CRLF included. The transport may batch them until it
  // has no more input buffered (RFC 2920 §3.1) but must keep their order.
  virtual void send(const std::string& wire) = 0;
  // After the 220 to STARTTLS: flush, drop any buffered plaintext input (CVE-2011-0411),
  // handshake, then call SmtpSession::onTlsStarted() — or close on failure.
  virtual void startTls() = 0;
  // After a 221 or 421: flush and close the connection.
  virtual void close() = 0;
};

}  // namespace mg::smtp
