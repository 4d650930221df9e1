#include "smtp/SmtpConnection.h"

#include <Poco/Exception.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SecureStreamSocket.h>

#include <algorithm>
#include <array>
#include <chrono>

#include "common/Log.h"
#include "common/Text.h"
#include "smtp/SmtpReply.h"

namespace mg::smtp::detail {
namespace {

Poco::Logger& log() { return common::logger("smtp"); }

Poco::Timespan toTimespan(std::chrono::milliseconds ms) {
  return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(ms.count()) * 1000);
}

// Gives the slot back however run() ends.
class SlotGuard {
 public:
  SlotGuard(ServerContext& c, SessionSlot& slot) : c_(c), slot_(slot) {}
  ~SlotGuard() { c_.release(slot_); }
  SlotGuard(const SlotGuard&) = delete;
  SlotGuard& operator=(const SlotGuard&) = delete;

 private:
  ServerContext& c_;
  SessionSlot& slot_;
};

}  // namespace

SmtpConnection::SmtpConnection(const Poco::Net::StreamSocket& socket, std::shared_ptr<ServerContext> context)
    : Poco::Net::TCPServerConnection(socket), context_(std::move(context)), io_(socket) {}

void SmtpConnection::run() {
  try {
    const Poco::Net::SocketAddress peer = io_.peerAddress();
    client_ = peer.toString();
    host_ = peer.host().toString();
  } catch (const Poco::Exception&) {
    return;  // the peer is already gone
  }
  slot_.host = host_;
  const auto& s = context_->settings;
  switch (context_->tryAcquire(slot_)) {
    case ServerContext::Admission::Admitted: break;
    case ServerContext::Admission::ServerFull:
      log().warning("smtp session refused client=%s: %u sessions already", client_, s.maxSessions);
      refuse(SmtpReply::line(421, "4.7.0", s.hostname + " Error: too many sessions, try again later"));
      return;
    case ServerContext::Admission::AddressFull:
      log().warning("smtp session refused client=%s: %u sessions from that address already", client_,
                    s.maxSessionsPerAddress);
      refuse(SmtpReply::line(421, "4.7.0", s.hostname + " Error: too many sessions from your address, try again later"));
      return;
  }
  SlotGuard slot(*context_, slot_);
  try {
    serve();
  } catch (const Poco::Exception& e) {
    log().information("smtp connection ended client=%s: %s", client_, e.displayText());
  } catch (const std::exception& e) {
    log().warning("smtp connection failed client=%s: %s", client_, std::string(e.what()));
  }
  try {
    io_.shutdown();
  } catch (const Poco::Exception&) {
    // the peer closed first: nothing to tell it
  }
}

void SmtpConnection::refuse(const std::string& wire) {
  try {
    io_.setSendTimeout(Poco::Timespan(5, 0));
    pending_ = wire;
    flush();
    io_.shutdown();
  } catch (const Poco::Exception&) {
    // a refused client that does not listen is not our problem
  }
}

void SmtpConnection::serve() {
  const auto& s = context_->settings;
  io_.setNoDelay(true);
  io_.setReceiveTimeout(toTimespan(context_->pollSlice));
  io_.setSendTimeout(Poco::Timespan(static_cast<long>(s.commandTimeoutSeconds), 0));
  SessionOptions options = SessionOptions::fromSettings(s, !context_->tls.isNull());
  options.clientAddress = client_;
  options.clientHost = host_;
  SmtpSession session(options, context_->delegate, *this);
  session.start();
  while (!session.closed()) {
    if (auto line = reader_.next(session.lineLimit())) {
      session.onLine(line->text, line->tooLong, line->crlf);
      if (session.commandsSeen() > 0) slot_.silent = false;
      if (tlsRequested_ && !upgradeToTls(session)) return;
      continue;
    }
    flush();  // nothing more buffered: the pipelined batch is answered (RFC 2920 §3.1)
    if (!readMore(session)) return;
  }
  flush();
}

void SmtpConnection::flush() {
  size_t sent = 0;
  while (sent < pending_.size()) {
    const int n = io_.sendBytes(pending_.data() + sent, static_cast<int>(pending_.size() - sent));
    if (n <= 0) throw Poco::Net::NetException("connection closed while sending");
    sent += static_cast<size_t>(n);
  }
  pending_.clear();
}

bool SmtpConnection::readMore(SmtpSession& session) {
  const auto& s = context_->settings;
  // Until the client has said anything, a short deadline: a silent connection holds a slot.
  const unsigned seconds = session.inData()              ? s.dataTimeoutSeconds
                           : session.commandsSeen() == 0 ? std::min(s.greetingTimeoutSeconds, s.commandTimeoutSeconds)
                                                         : s.commandTimeoutSeconds;
  const auto limit = std::chrono::seconds(seconds);
  const auto start = std::chrono::steady_clock::now();
  std::array<char, 4096> buf{};
  while (true) {
    if (context_->forceClose || (context_->stopping && !session.inTransaction())) {
      session.onShutdown();
      return true;
    }
    if (slot_.evict) {
      log().information("smtp session client=%s closed to make room for another host", client_);
      session.onEvicted();
      return true;
    }
    try {
      const int n = io_.receiveBytes(buf.data(), static_cast<int>(buf.size()));
      if (n <= 0) return false;
      reader_.feed(buf.data(), static_cast<size_t>(n));
      return true;
    } catch (const Poco::TimeoutException&) {
      if (std::chrono::steady_clock::now() - start >= limit) {
        session.onTimeout();
        return true;
      }
    }
  }
}

bool SmtpConnection::upgradeToTls(SmtpSession& session) {
  tlsRequested_ = false;
  flush();
  reader_.clear();  // plaintext pipelined behind STARTTLS is dropped (CVE-2011-0411)
  try {
    Poco::Net::SecureStreamSocket secure = Poco::Net::SecureStreamSocket::attach(io_, context_->tls);
    secure.setReceiveTimeout(Poco::Timespan(static_cast<long>(context_->settings.commandTimeoutSeconds), 0));
    secure.completeHandshake();
    secure.setReceiveTimeout(toTimespan(context_->pollSlice));
    io_ = secure;
  } catch (const Poco::Exception& e) {
    log().warning("smtp TLS handshake failed client=%s: %s", client_, e.displayText());
    return false;
  }
  session.onTlsStarted();
  return true;
}

}  // namespace mg::smtp::detail
