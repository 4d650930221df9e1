#include "web/ApiServer.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>

#include "common/Log.h"
#include "common/Metrics.h"
#include "common/Text.h"
#include "crypto/TokenHash.h"

namespace mg::web {

namespace {

class Dispatcher final : public Poco::Net::HTTPRequestHandler {
 public:
  explicit Dispatcher(ApiServer& server) : server_(server) {}
  void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override {
    RequestContext ctx(request, response);
    try {
      server_.dispatch(ctx);
    } catch (const std::exception& e) {
      common::logger("web").error("unhandled error on " + ctx.method() + " " + ctx.path() + ": " + e.what());
      if (!ctx.sent()) ctx.sendProblem(500, "Internal error", "the request failed inside mailgated; see the journal");
    }
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

 private:
  ApiServer& server_;
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

ApiServer::ApiServer(ApiContext context) : ctx_(std::move(context)) {
  addHealthRoutes(router_, ctx_);
  addMessageRoutes(router_, ctx_);
  addRuleRoutes(router_, ctx_);
  addAdminRoutes(router_, ctx_);
  addAccountRoutes(router_, ctx_);
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
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(8);
    params->setMaxQueued(64);
    params->setTimeout(Poco::Timespan(30, 0));
    params->setKeepAlive(true);
    server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(*this), *socket, params);
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
    server_->stopAll(true);
    server_.reset();
  }
}

bool ApiServer::authenticate(RequestContext& ctx) {
  const std::string header = ctx.request().get("Authorization", "");
  if (!common::istartsWith(header, "Bearer ")) return false;
  const std::string token(common::trim(header.substr(7)));
  if (token.empty()) return false;
  auto record = ctx_.users->findTokenByHash(crypto::TokenHash::hashToken(token));
  if (!record) return false;
  ctx_.users->touchToken(record->id, ctx_.clock->nowMillis());
  ctx.principal = Principal{record->createdBy == "mailgated" ? record->name : "token:" + record->name, record->role};
  return true;
}

void ApiServer::dispatch(RequestContext& ctx) {
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
      ctx.response().set("WWW-Authenticate", "Bearer realm=\"mailgate\"");
      ctx.sendProblem(401, "Unauthorized", "log in or send 'Authorization: Bearer <token>'");
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

}  // namespace mg::web
