#pragma once
// The socket under an IMAP session: plain or TLS (implicit or upgraded by STARTTLS), a
// ResponseParser fed from it, and a deadline on every read and write. Reads wait in short
// slices so that another thread can interrupt a long wait (IDLE) for shutdown.
// Throws Poco exceptions and ImapProtocolError; ImapClient turns them into results.
#include <Poco/Net/Context.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Timespan.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "imap/Response.h"
#include "imap/ResponseParser.h"

namespace mg::imap {

class ImapProtocolError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class ImapConnection {
 public:
  ImapConnection(std::chrono::milliseconds timeout, ParserLimits limits);
  ~ImapConnection();
  ImapConnection(const ImapConnection&) = delete;
  ImapConnection& operator=(const ImapConnection&) = delete;

  void connect(const std::string& host, uint16_t port);
  void connectTls(const std::string& host, uint16_t port, Poco::Net::Context::Ptr context);
  void startTls(const std::string& host, Poco::Net::Context::Ptr context);
  // Unread bytes after the STARTTLS OK mean plaintext injection (CVE-2011-0411 class).
  bool hasBufferedInput() const { return parser_.buffered() > 0; }
  bool isOpen() const { return open_; }

  // The next response, waiting at most the connection timeout (ImapProtocolError on expiry).
  Response read();
  // The next response within `wait`; nullopt when it passed or `*stop` became true.
  std::optional<Response> readFor(std::chrono::milliseconds wait, const std::atomic<bool>* stop);
  void write(std::string_view bytes);
  void close() noexcept;

  // A process-wide client context (TLS >= 1.2); verify = CA chain + host name.
  static Poco::Net::Context::Ptr tlsContext(bool verify);

 private:
  void applyTimeouts();
  // Receives once if data arrives within `slice`; false when nothing came.
  bool receiveSome(std::chrono::milliseconds slice);

  Poco::Net::StreamSocket socket_;
  std::chrono::milliseconds timeout_;
  ResponseParser parser_;
  bool open_ = false;
};

}  // namespace mg::imap
