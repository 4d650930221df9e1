#include "relay/SmtpConnection.h"

#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/SocketAddress.h>

#include <algorithm>

namespace mg::relay {

SmtpConnection::SmtpConnection(unsigned timeoutSeconds)
    : timeout_(static_cast<long>(timeoutSeconds == 0 ? 30 : timeoutSeconds), 0) {}

SmtpConnection::~SmtpConnection() { close(); }

void SmtpConnection::applyTimeouts() {
  socket_.setReceiveTimeout(timeout_);
  socket_.setSendTimeout(timeout_);
  socket_.setNoDelay(true);
}

void SmtpConnection::connect(const std::string& host, uint16_t port) {
  socket_.connect(Poco::Net::SocketAddress(host, port), timeout_);
  open_ = true;
  applyTimeouts();
}

void SmtpConnection::connectTls(const std::string& host, uint16_t port, Poco::Net::Context::Ptr context) {
  Poco::Net::SecureStreamSocket secure(context);
  secure.setPeerHostName(host);  // SNI and the name the certificate must carry
  secure.connect(Poco::Net::SocketAddress(host, port), timeout_);  // handshake and verification included
  socket_ = secure;
  open_ = true;
  applyTimeouts();
}

void SmtpConnection::startTls(const std::string& host, Poco::Net::Context::Ptr context) {
  // attach() runs the handshake on the connected socket (under the timeouts already set on
  // it) and verifies the certificate against `host`; it throws on any failure.
  Poco::Net::SecureStreamSocket secure = Poco::Net::SecureStreamSocket::attach(socket_, host, context);
  socket_ = secure;
  buffer_.clear();
  applyTimeouts();
}

std::string SmtpConnection::readLine() {
  for (;;) {
    const auto nl = buffer_.find('\n');
    if (nl != std::string::npos) {
      std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      return line;
    }
    if (buffer_.size() > kMaxLineBytes) throw SmtpProtocolError("reply line longer than " + std::to_string(kMaxLineBytes) + " bytes");
    char chunk[4096];
    const int n = socket_.receiveBytes(chunk, static_cast<int>(sizeof chunk));
    if (n <= 0) throw SmtpProtocolError("connection closed by the server");
    buffer_.append(chunk, static_cast<std::size_t>(n));
  }
}

SmtpReply SmtpConnection::readReply() {
  ReplyParser parser;
  for (;;) {
    switch (parser.feed(readLine())) {
      case ReplyParser::Step::NeedMore: break;
      case ReplyParser::Step::Done: return parser.reply();
      case ReplyParser::Step::Malformed: throw SmtpProtocolError(parser.error());
    }
  }
}

void SmtpConnection::writeLine(std::string_view line) {
  std::string out(line);
  out += "\r\n";
  write(out);
}

void SmtpConnection::write(std::string_view bytes) {
  while (!bytes.empty()) {
    const int n = socket_.sendBytes(bytes.data(), static_cast<int>(std::min<std::size_t>(bytes.size(), 1 << 20)));
    if (n <= 0) throw SmtpProtocolError("connection closed while sending");
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

void SmtpConnection::close() noexcept {
  if (!open_) return;
  open_ = false;
  try {
    socket_.close();
  } catch (...) {  // closing a broken connection may throw; there is nothing left to do
  }
}

}  // namespace mg::relay
