#include "imap/ImapConnection.h"

#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/SocketAddress.h>

#include <algorithm>

namespace mg::imap {

namespace {

constexpr std::chrono::milliseconds kSlice(100);  // how soon an interrupt is noticed

Poco::Timespan span(std::chrono::milliseconds ms) {
  return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(ms.count()) * 1000);
}

Poco::Net::Context::Ptr makeContext(bool verify) {
  Poco::Net::Context::Params params;
  params.verificationMode = verify ? Poco::Net::Context::VERIFY_RELAXED : Poco::Net::Context::VERIFY_NONE;
  params.loadDefaultCAs = verify;
  Poco::Net::Context::Ptr ctx = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
  ctx->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
  return ctx;
}

}  // namespace

ImapConnection::ImapConnection(std::chrono::milliseconds timeout, ParserLimits limits)
    : timeout_(timeout.count() <= 0 ? std::chrono::milliseconds(30000) : timeout), parser_(limits) {}

ImapConnection::~ImapConnection() { close(); }

Poco::Net::Context::Ptr ImapConnection::tlsContext(bool verify) {
  // Made once per process (thread-safe statics): loading the CA store per connection costs
  // the board noticeable CPU and memory.
  if (verify) {
    static const Poco::Net::Context::Ptr verifying = makeContext(true);
    return verifying;
  }
  static const Poco::Net::Context::Ptr relaxed = makeContext(false);
  return relaxed;
}

void ImapConnection::applyTimeouts() {
  socket_.setReceiveTimeout(span(timeout_));
  socket_.setSendTimeout(span(timeout_));
  socket_.setNoDelay(true);
  socket_.setKeepAlive(true);  // long IDLEs through NAT: let the kernel notice a dead peer
}

void ImapConnection::connect(const std::string& host, uint16_t port) {
  socket_.connect(Poco::Net::SocketAddress(host, port), span(timeout_));
  open_ = true;
  applyTimeouts();
}

void ImapConnection::connectTls(const std::string& host, uint16_t port, Poco::Net::Context::Ptr context) {
  Poco::Net::SecureStreamSocket secure(context);
  secure.setPeerHostName(host);
  secure.connect(Poco::Net::SocketAddress(host, port), span(timeout_));
  socket_ = secure;
  open_ = true;
  applyTimeouts();
}

void ImapConnection::startTls(const std::string& host, Poco::Net::Context::Ptr context) {
  Poco::Net::SecureStreamSocket secure = Poco::Net::SecureStreamSocket::attach(socket_, host, context);
  socket_ = secure;
  applyTimeouts();
}

bool ImapConnection::receiveSome(std::chrono::milliseconds slice) {
  // available() covers bytes OpenSSL has decrypted already, which poll() cannot see.
  if (socket_.available() <= 0 && !socket_.poll(span(slice), Poco::Net::Socket::SELECT_READ | Poco::Net::Socket::SELECT_ERROR)) {
    return false;
  }
  char chunk[16384];
  const int n = socket_.receiveBytes(chunk, static_cast<int>(sizeof chunk));
  if (n <= 0) throw ImapProtocolError("connection closed by the server");
  parser_.feed(std::string_view(chunk, static_cast<std::size_t>(n)));
  return true;
}

std::optional<Response> ImapConnection::readFor(std::chrono::milliseconds wait, const std::atomic<bool>* stop) {
  if (!open_) throw ImapProtocolError("not connected");
  const auto deadline = std::chrono::steady_clock::now() + wait;
  for (;;) {
    auto next = parser_.next();
    if (!next.ok()) throw ImapProtocolError(next.errorMessage());
    if (next.value()) return std::move(*next.value());
    if (stop && stop->load()) return std::nullopt;
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return std::nullopt;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
    receiveSome(stop ? std::min(left, kSlice) : left);
  }
}

Response ImapConnection::read() {
  auto r = readFor(timeout_, nullptr);
  if (!r) {
    const auto ms = timeout_.count();
    throw ImapProtocolError("timed out after " + (ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms") +
                            " waiting for the server");
  }
  return std::move(*r);
}

void ImapConnection::write(std::string_view bytes) {
  if (!open_) throw ImapProtocolError("not connected");
  while (!bytes.empty()) {
    const int n = socket_.sendBytes(bytes.data(), static_cast<int>(std::min<std::size_t>(bytes.size(), 1 << 20)));
    if (n <= 0) throw ImapProtocolError("connection closed while sending");
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

void ImapConnection::close() noexcept {
  if (!open_) return;
  open_ = false;
  try {
    socket_.close();
  } catch (...) {  // closing a broken connection may throw; nothing is left to do
  }
}

}  // namespace mg::imap
