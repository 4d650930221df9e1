#pragma once
// The HTTP(S) server for /api/v1, /healthz and /metrics on Poco's HTTPServer. It resolves
// the caller (bearer token or session cookie + CSRF token), checks the route's role, and turns any escaping exception
// into a 500 problem — a handler bug must never take the daemon down.
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/TCPServer.h>

#include <memory>

#include "common/Settings.h"
#include "common/Status.h"
#include "web/ApiContext.h"
#include "web/ConnectionGuard.h"
#include "web/Router.h"

namespace mg::web {

class ApiServer {
 public:
  // Worker threads: enough that one address at its connection cap leaves room for others.
  static constexpr int kMaxThreads = 16;
  // A token's last_used_at is written at most this often.
  static constexpr int64_t kTokenTouchIntervalMillis = 60'000;

  explicit ApiServer(ApiContext context, ConnectionGuard::Limits limits = {});
  ~ApiServer();

  // tlsCert/tlsKey empty → plain HTTP (only allowed on loopback by the config check).
  common::Status start(const common::HostPort& listen, const std::string& tlsCert, const std::string& tlsKey);
  void stop();
  uint16_t port() const { return port_; }
  bool tls() const { return tls_; }
  bool running() const { return server_ != nullptr; }
  const Router& router() const { return router_; }

  // Exposed for tests: dispatch one request through auth + routing.
  void dispatch(RequestContext& ctx);
  ConnectionGuard& guard() { return guard_; }

 private:
  bool authenticate(RequestContext& ctx);
  bool authenticateSession(RequestContext& ctx);
  ApiContext ctx_;
  Router router_;
  ConnectionGuard guard_;
  Poco::Net::HTTPRequestHandlerFactory::Ptr handlers_;
  std::unique_ptr<Poco::Net::TCPServer> server_;
  uint16_t port_ = 0;
  bool tls_ = false;
};

// Route tables, one file each.
void addMessageRoutes(Router& r, ApiContext& c);
void addRuleRoutes(Router& r, ApiContext& c);
void addAdminRoutes(Router& r, ApiContext& c);
void addAccountRoutes(Router& r, ApiContext& c);
void addHealthRoutes(Router& r, ApiContext& c);
void addBackupRoutes(Router& r, ApiContext& c);
void addSessionRoutes(Router& r, ApiContext& c);
void addTotpRoutes(Router& r, ApiContext& c);
void addUiRoutes(Router& r, ApiContext& c);
void addStatusRoutes(Router& r, ApiContext& c);
void addEventRoutes(Router& r, ApiContext& c);

}  // namespace mg::web
