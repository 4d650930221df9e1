#include "web/ApiServer.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/HTTPServerConnection.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/TCPServerConnectionFactory.h>

#include "common/Log.h"
#include "common/Metrics.h"
#include "common/Text.h"
#include "crypto/ConstantTime.h"
#include "crypto/TokenHash.h"
#include "web/SecurityHeaders.h"
#include "web/SessionCookie.h"

namespace mg::web {

namespace {

class Dispatcher final : public Poco::Net::HTTPRequestHandler {
 public:
  explicit Dispatcher(ApiServer& server) : server_(server) {}
  void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override {
    const std::string peer = request.clientAddress().toString();
    server_.guard().headReceived(peer);
    setSecurityHeaders(response, server_.tls());
    RequestContext ctx(request, response);
    try {
      server_.dispatch(ctx);
    } catch (const std::exception& e) {
      common::logger("web").error("unhandled error on " + ctx.method() + " " + ctx.path() + ": " + e.what());
      if (!ctx.sent()) ctx.sendProblem(500, "Internal error", "the request failed inside mailgated; see the journal");
    }
    server_.guard().responseSent(peer);
  }

 private:
  ApiServer& server_;
};

class Factory final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(ApiServer& server) : server_(server) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
    return new Dispatcher(server_);
  }
  // What HTTPServer::stopAll(true) does: every open connection aborts its current request.
  void announceStop() {
    bool abortCurrent = true;
    serverStopped(this, abortCurrent);
  }

 private:
  ApiServer& server_;
};

// Poco's HTTPServerConnection behind the ConnectionGuard: its place was reserved at accept
// (AdmissionFilter); the guard shuts it down when a request head does not arrive in time.
class GuardedConnection final : public Poco::Net::TCPServerConnection {
 public:
  GuardedConnection(const Poco::Net::StreamSocket& socket, Poco::Net::HTTPServerParams::Ptr params,
                    Poco::Net::HTTPRequestHandlerFactory::Ptr handlers, ConnectionGuard& guard)
      : TCPServerConnection(socket), params_(std::move(params)), handlers_(std::move(handlers)), guard_(guard) {}

  void run() override {
    const int fd = socket().impl()->sockfd();
    std::string peer;
    try {
      peer = socket().peerAddress().toString();
    } catch (const Poco::Exception&) {
      guard_.abandon(fd);  // gone before we looked
      return;
    }
    const std::string host = guard_.begin(fd, peer, socket());
    try {
      Poco::Net::HTTPServerConnection http(socket(), params_, handlers_);
      http.run();
    } catch (const Poco::Exception& e) {
      common::logger("web").debug("web connection " + peer + " ended: " + e.displayText());
    }
    guard_.leave(host, peer);
  }

 private:
  Poco::Net::HTTPServerParams::Ptr params_;
  Poco::Net::HTTPRequestHandlerFactory::Ptr handlers_;
  ConnectionGuard& guard_;
};

// In the accept thread, before a connection waits for a worker: at most perAddress per client
// address. Turned-away plain-HTTP clients get a short 503 (a fresh socket's send buffer takes
// it without blocking); TLS ones are just closed (a reply would need a handshake first).
class AdmissionFilter final : public Poco::Net::TCPServerConnectionFilter {
 public:
  AdmissionFilter(ConnectionGuard& guard, bool tls) : guard_(guard), tls_(tls) {}
  bool accept(const Poco::Net::StreamSocket& socket) override {
    std::string host;
    try {
      host = socket.peerAddress().host().toString();
    } catch (const Poco::Exception&) {
      return false;
    }
    if (guard_.reserve(host, socket.impl()->sockfd())) return true;
    common::Metrics::global().increment("mailgate_rate_limited_total", {{"endpoint", "web_connections"}});
    common::logger("web").debug("web client " + host + " turned away: too many connections from that address");
    if (!tls_) {
      static const std::string kBody =
          R"({"type":"about:blank","title":"Service Unavailable","status":503,"detail":"too many connections from your address; close some and try again"})";
      static const std::string kWire = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/problem+json\r\n"
                                       "Retry-After: 10\r\nConnection: close\r\nContent-Length: " +
                                       std::to_string(kBody.size()) + "\r\n\r\n" + kBody;
      try {
        Poco::Net::StreamSocket s(socket);
        s.setBlocking(false);
        s.sendBytes(kWire.data(), static_cast<int>(kWire.size()));
        s.shutdownSend();
      } catch (const Poco::Exception&) {
        // nobody listening: nothing lost
      }
    }
    return false;
  }

 private:
  ConnectionGuard& guard_;
  bool tls_;
};

class GuardedConnectionFactory final : public Poco::Net::TCPServerConnectionFactory {
 public:
  GuardedConnectionFactory(Poco::Net::HTTPServerParams::Ptr params, Poco::Net::HTTPRequestHandlerFactory::Ptr handlers,
                           ConnectionGuard& guard)
      : params_(std::move(params)), handlers_(std::move(handlers)), guard_(guard) {}
  Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& socket) override {
    return new GuardedConnection(socket, params_, handlers_, guard_);
  }

 private:
  Poco::Net::HTTPServerParams::Ptr params_;
  Poco::Net::HTTPRequestHandlerFactory::Ptr handlers_;
  ConnectionGuard& guard_;
};

bool allowed(Access need, const std::string& role) {
  switch (need) {
    case Access::Public:
    case Access::Reader: return role == "admin" || role == "reviewer";
    case Access::Reviewer: return role == "admin" || role == "reviewer";
    case Access::Admin: return role == "admin";
  }
  return false;
}

}  // namespace

ApiServer::ApiServer(ApiContext context, ConnectionGuard::Limits limits)
    : ctx_(std::move(context)), guard_(limits), handlers_(new Factory(*this)) {
  addHealthRoutes(router_, ctx_);
  addMessageRoutes(router_, ctx_);
  addRuleRoutes(router_, ctx_);
  addAdminRoutes(router_, ctx_);
  addAccountRoutes(router_, ctx_);
  addBackupRoutes(router_, ctx_);
  addSessionRoutes(router_, ctx_);
  addStatusRoutes(router_, ctx_);
  addEventRoutes(router_, ctx_);
  addUiRoutes(router_, ctx_);
}

ApiServer::~ApiServer() { stop(); }

common::Status ApiServer::start(const common::HostPort& listen, const std::string& tlsCert, const std::string& tlsKey) {
  try {
    Poco::Net::SocketAddress address(listen.host, listen.port);
    std::unique_ptr<Poco::Net::ServerSocket> socket;
    if (tlsCert.empty()) {
      socket = std::make_unique<Poco::Net::ServerSocket>(address, 64);
    } else {
      Poco::Net::Context::Params params;
      params.privateKeyFile = tlsKey;
      params.certificateFile = tlsCert;
      params.verificationMode = Poco::Net::Context::VERIFY_NONE;  // clients are not asked for certificates
      params.cipherList = "HIGH:!aNULL:!MD5:!RC4";
      Poco::Net::Context::Ptr context = new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, params);
      context->disableProtocols(Poco::Net::Context::PROTO_SSLV2 | Poco::Net::Context::PROTO_SSLV3 |
                                Poco::Net::Context::PROTO_TLSV1 | Poco::Net::Context::PROTO_TLSV1_1);
      socket = std::make_unique<Poco::Net::SecureServerSocket>(address, 64, context);
    }
    port_ = socket->address().port();
    tls_ = !tlsCert.empty();
    Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(kMaxThreads);
    params->setMaxQueued(256);  // above ConnectionGuard's maxPending: the guard turns away first
    params->setTimeout(Poco::Timespan(30, 0));
    params->setKeepAlive(true);
    params->setKeepAliveTimeout(Poco::Timespan(10, 0));
    server_ = std::make_unique<Poco::Net::TCPServer>(new GuardedConnectionFactory(params, handlers_, guard_), *socket,
                                                     params);
    server_->setConnectionFilter(new AdmissionFilter(guard_, !tlsCert.empty()));
    server_->start();
    return common::Status::success();
  } catch (const Poco::Net::NetException& e) {
    std::string what = e.displayText();
    if (what.find("already in use") != std::string::npos || e.code() == EADDRINUSE) what = "address already in use";
    return common::Status::error("web.listen " + listen.toString() + ": " + what);
  } catch (const Poco::Exception& e) {
    return common::Status::error("web.listen " + listen.toString() + ": " + e.displayText());
  }
}

void ApiServer::stop() {
  if (server_) {
    // Event streams wait in the hub: woken first, they end and free their threads.
    if (ctx_.events) ctx_.events->shutdown();
    server_->stop();
    static_cast<Factory*>(handlers_.get())->announceStop();
    server_.reset();
  }
}

bool ApiServer::authenticate(RequestContext& ctx) {
  const std::string header = ctx.request().get("Authorization", "");
  if (header.empty()) return authenticateSession(ctx);
  if (!common::istartsWith(header, "Bearer ")) return false;
  const std::string token(common::trim(header.substr(7)));
  if (token.empty()) return false;
  auto found = ctx_.users->findTokenByHash(crypto::TokenHash::hashToken(token));
  if (!found) {
    ctx.sendStoreUnavailable(found.errorMessage());  // not "unauthorized": the token may be fine
    return false;
  }
  const auto& record = found.value();
  if (!record) return false;
  // An SD card wears with every write: last_used is kept to the minute, not to the request.
  const int64_t now = ctx_.clock->nowMillis();
  if (now - record->lastUsedAt >= kTokenTouchIntervalMillis) {
    if (auto st = ctx_.users->touchToken(record->id, now); !st) {
      common::logger("web").warning("token last_used not kept: " + st.message());
    }
  }
  ctx.principal = Principal{record->createdBy == "mailgated" ? record->name : "token:" + record->name, record->role, "", ""};
  return true;
}

bool ApiServer::authenticateSession(RequestContext& ctx) {
  if (!ctx_.sessions) return false;
  const std::string cookie = sessionCookieValue(ctx.request());
  if (cookie.empty()) return false;
  auto session = ctx_.sessions->find(cookie);
  if (!session) return false;
  // The role is read at each request: a demoted or removed user loses it at once, also when
  // the change came from mailgatectl's offline path.
  auto user = ctx_.users->findUser(session->user);
  if (!user) {
    ctx.sendStoreUnavailable(user.errorMessage());
    return false;
  }
  if (!user.value()) {
    ctx_.sessions->remove(cookie);
    return false;
  }
  ctx.principal = Principal{session->user, user.value()->role, cookie, session->csrfToken};
  return true;
}

namespace {
bool changesState(const std::string& method) { return method != "GET" && method != "HEAD" && method != "OPTIONS"; }
}  // namespace

void ApiServer::dispatch(RequestContext& ctx) {
  if (!ctx.uriError().empty()) {
    ctx.sendProblem(400, "Bad request", "the request target cannot be decoded: " + common::sanitize(ctx.uriError()));
    return;
  }
  const auto match = router_.match(ctx);
  if (!match.handler) {
    if (match.pathKnown) {
      ctx.sendProblem(405, "Method not allowed", ctx.method() + " is not allowed on " + ctx.path());
    } else {
      ctx.sendProblem(404, "Not found", "no such endpoint: " + common::sanitize(ctx.path()));
    }
    return;
  }
  if (match.access != Access::Public) {
    if (!authenticate(ctx)) {
      if (ctx.sent()) return;  // the store could not be asked: answered 503
      ctx.response().set("WWW-Authenticate", "Bearer realm=\"mailgate\"");
      ctx.sendProblem(401, "Unauthorized", "log in or send 'Authorization: Bearer <token>'");
      return;
    }
    // A cookie is sent by the browser whoever's page asks: a state change must also prove it
    // comes from a page that read the session's CSRF token (a bearer token proves itself).
    if (!ctx.principal->sessionCookie.empty() && changesState(ctx.method()) &&
        !crypto::sameSecret(ctx.request().get("X-CSRF-Token", ""), ctx.principal->csrfToken)) {
      ctx.sendProblem(403, "Forbidden", "missing or wrong X-CSRF-Token: send the csrf_token that POST /api/v1/session returned");
      return;
    }
    if (!allowed(match.access, ctx.principal->role)) {
      ctx.sendProblem(403, "Forbidden", "this needs the " + std::string(match.access == Access::Admin ? "admin" : "reviewer") +
                                            " role; you are " + ctx.principal->role);
      return;
    }
  }
  (*match.handler)(ctx);
}

int64_t RateLimiter::check(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& b = buckets_[key];
  if (!b) b = std::make_unique<common::TokenBucket>(clock_, perMinute_, 60'000);
  if (b->tryTake()) return 0;
  return (b->millisUntilNext() + 999) / 1000;
}

void RateLimiter::setPerMinute(unsigned perMinute) {
  std::lock_guard<std::mutex> lock(mu_);
  if (perMinute == perMinute_) return;
  perMinute_ = perMinute;
  buckets_.clear();  // every user starts again with a full bucket at the new rate
}

unsigned RateLimiter::perMinute() const {
  std::lock_guard<std::mutex> lock(mu_);
  return perMinute_;
}

}  // namespace mg::web
