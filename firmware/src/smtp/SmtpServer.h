#pragma once
// The SMTP gate's listener: an accept thread and a pool of session threads, one SmtpConnection
// per client, STARTTLS from a PEM certificate and key. It owns sockets and threads, nothing else:
// what happens to a message is the delegate's business.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <thread>

#include "common/Settings.h"
#include "common/Status.h"
#include "smtp/SmtpSessionDelegate.h"

namespace Poco {
class ThreadPool;
namespace Net {
class ServerSocket;
}
}  // namespace Poco

namespace mg::smtp {

namespace detail {
struct ServerContext;
}

class SmtpServer {
 public:
  // STARTTLS is offered when settings.starttls is true and both tlsCert and tlsKey (PEM file
  // paths) are set. The delegate must outlive the server and be thread-safe.
  SmtpServer(common::SmtpSettings settings, SmtpSessionDelegate& delegate);
  ~SmtpServer();  // stop()
  SmtpServer(const SmtpServer&) = delete;
  SmtpServer& operator=(const SmtpServer&) = delete;

  // Loads the TLS pair, binds settings.listen (port 0: an ephemeral port, see port()) and
  // starts accepting. Errors: "smtp.listen 0.0.0.0:587: address already in use",
  // "smtp.tls_cert /path: …".
  common::Status start();
  // Stops accepting at once; idle sessions get 421 4.3.2 and are closed, transactions under
  // way get until `grace` to finish, then they are closed too. Returns when every session
  // thread has ended. Safe to call twice.
  void stop(std::chrono::milliseconds grace = std::chrono::seconds(10));

  uint16_t port() const { return port_; }  // the bound port once started, else 0
  bool running() const { return acceptor_.joinable(); }
  bool tlsAvailable() const;
  unsigned activeSessions() const;

  // Tests only: how often blocked reads wake up (stop flags, timeouts). Before start().
  void setPollInterval(std::chrono::milliseconds slice);

  // When the accept loop last went round (steady clock, ms): it does every poll interval while
  // it is alive, client or not. The watchdog's proof that SMTP is not stuck.
  int64_t acceptLoopProgressMillis() const;
  // Tests only: called by the accept loop at each turn (a test stalls it here).
  void setAcceptHookForTest(std::function<void()> hook);

  // Registers the module's metric families with their help texts.
  static void describeMetrics();

 private:
  std::shared_ptr<detail::ServerContext> context_;
  void acceptLoop();

  std::unique_ptr<Poco::ThreadPool> pool_;
  std::unique_ptr<Poco::Net::ServerSocket> socket_;
  std::thread acceptor_;
  std::atomic<bool> acceptStop_{false};
  uint16_t port_ = 0;
};

}  // namespace mg::smtp
