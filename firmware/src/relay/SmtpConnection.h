#pragma once
// The socket under an SMTP client transaction: plain or TLS, line-buffered reads of replies,
// and a timeout on every read and write. Throws (Poco exceptions, SmtpProtocolError); the
// client turns those into results.
#include <Poco/Net/Context.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Timespan.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "relay/SmtpReply.h"

namespace mg::relay {

// The server broke the protocol (malformed reply, line too long, connection closed early).
class SmtpProtocolError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class SmtpConnection {
 public:
  // Longest reply line we buffer; RFC 5321 allows 512, servers with long texts send more.
  static constexpr std::size_t kMaxLineBytes = 8192;

  explicit SmtpConnection(unsigned timeoutSeconds);
  ~SmtpConnection();
  SmtpConnection(const SmtpConnection&) = delete;
  SmtpConnection& operator=(const SmtpConnection&) = delete;

  void connect(const std::string& host, uint16_t port);
  // TLS from the first byte (port 465 style); the certificate is checked against `host`.
  void connectTls(const std::string& host, uint16_t port, Poco::Net::Context::Ptr context);
  // Upgrades the connected socket in place after "220" to STARTTLS.
  void startTls(const std::string& host, Poco::Net::Context::Ptr context);
  // Bytes the server sent that we have not read yet. After the 220 to STARTTLS there must be
  // none: anything there was injected in plaintext (the CVE-2011-0411 class of attack).
  bool hasBufferedInput() const { return !buffer_.empty(); }

  SmtpReply readReply();
  void writeLine(std::string_view line);  // adds CRLF
  void write(std::string_view bytes);
  void close() noexcept;

 private:
  std::string readLine();
  void applyTimeouts();

  Poco::Net::StreamSocket socket_;  // holds a SecureStreamSocket's impl once TLS is on
  Poco::Timespan timeout_;
  std::string buffer_;
  bool open_ = false;
};

}  // namespace mg::relay
