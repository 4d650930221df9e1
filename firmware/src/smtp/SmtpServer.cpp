#include "smtp/SmtpServer.h"

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/ThreadPool.h>

#include <cerrno>
#include <thread>

#include "common/Log.h"
#include "common/Metrics.h"
#include "smtp/ServerContext.h"
#include "smtp/SmtpConnection.h"

namespace mg::smtp {
namespace {

Poco::Logger& log() { return common::logger("smtp"); }

// Threads beyond maxSessions, so that a client over the limit is told 421 at once instead
// of waiting in the accept queue for a slot.
constexpr int kRefusalThreads = 4;

// Runs one connection on a pool thread and deletes both when the session ends.
class ConnectionTask : public Poco::Runnable {
 public:
  ConnectionTask(const Poco::Net::StreamSocket& socket, std::shared_ptr<detail::ServerContext> c)
      : connection_(socket, std::move(c)) {}
  void run() override {
    std::unique_ptr<ConnectionTask> self(this);  // freed on every way out, its socket closed
    try {
      connection_.run();
    } catch (const std::exception& e) {
      log().error("smtp session ended by an unexpected error: %s", std::string(e.what()));
    }
  }

 private:
  detail::SmtpConnection connection_;
};

int64_t steadyMillis() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

std::string bindError(const common::HostPort& listen, const Poco::Exception& e) {
  std::string what = e.displayText();
  if (e.code() == EADDRINUSE || what.find("already in use") != std::string::npos) {
    what = "address already in use";
  } else if (e.code() == EACCES) {
    what = "permission denied (ports below 1024 need CAP_NET_BIND_SERVICE)";
  }
  return "smtp.listen " + listen.host + ":" + std::to_string(listen.port) + ": " + what;
}

}  // namespace

SmtpServer::SmtpServer(common::SmtpSettings settings, SmtpSessionDelegate& delegate)
    : context_(std::make_shared<detail::ServerContext>(std::move(settings), delegate)) {}

SmtpServer::~SmtpServer() { stop(std::chrono::milliseconds(0)); }

bool SmtpServer::tlsAvailable() const { return !context_->tls.isNull(); }

unsigned SmtpServer::activeSessions() const { return context_->active.load(); }

void SmtpServer::setPollInterval(std::chrono::milliseconds slice) { context_->pollSlice = slice; }

void SmtpServer::describeMetrics() {
  auto& m = common::Metrics::global();
  m.describe("mailgate_smtp_sessions_active", "gauge", "SMTP sessions open now");
  m.describe("mailgate_smtp_messages_total", "counter", "Messages at the end of DATA, by result");
  // Every result shows from the first scrape, at 0, so that rate() and alerts see a series.
  for (const char* result : {"held", "relayed", "rejected", "tempfail"}) {
    m.increment("mailgate_smtp_messages_total", {{"result", result}}, 0.0);
  }
}

common::Status SmtpServer::start() {
  if (acceptor_.joinable()) return common::Status::success();
  const auto& s = context_->settings;
  context_->stopping = false;  // a server may be started again after stop()
  context_->forceClose = false;
  describeMetrics();
  common::Metrics::global().set("mailgate_smtp_sessions_active", 0.0);
  if (s.starttls && !s.tlsCert.empty() && !s.tlsKey.empty()) {
    try {
      Poco::Net::Context::Params params;
      params.certificateFile = s.tlsCert;
      params.privateKeyFile = s.tlsKey;
      params.verificationMode = Poco::Net::Context::VERIFY_NONE;  // clients present no certificate
      params.loadDefaultCAs = false;
      params.cipherList = "HIGH:!aNULL:!MD5:!RC4";
      context_->tls = new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, params);
      context_->tls->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
    } catch (const Poco::Exception& e) {
      return common::Status::error("smtp.tls_cert " + s.tlsCert + " / smtp.tls_key " + s.tlsKey + ": " +
                                   e.displayText());
    }
  }
  Poco::Net::ServerSocket socket;
  try {
    const Poco::Net::SocketAddress address(s.listen.host, s.listen.port);
    // SO_REUSEADDR for quick restarts; never SO_REUSEPORT, which would let a second daemon
    // bind the same port silently.
    socket.bind(address, true, false);
    socket.listen(64);
    port_ = socket.address().port();
  } catch (const Poco::Exception& e) {
    return common::Status::error(bindError(s.listen, e));
  }
  const int threads = static_cast<int>(s.maxSessions) + kRefusalThreads;
  try {
    pool_ = std::make_unique<Poco::ThreadPool>(2, threads, 60);
  } catch (const Poco::Exception& e) {
    return common::Status::error("smtp: cannot start the listener: " + e.displayText());
  }
  socket_ = std::make_unique<Poco::Net::ServerSocket>(socket);
  acceptStop_ = false;
  context_->acceptProgressMillis = steadyMillis();
  acceptor_ = std::thread([this] { acceptLoop(); });
  log().information("smtp listening on %s:%hu (STARTTLS %s)", s.listen.host, port_,
                    std::string(tlsAvailable() ? "on" : "off"));
  return common::Status::success();
}

// The accept loop: one thread that waits for a client in short slices, so that each turn
// proves it is alive (the watchdog's SMTP liveness), and hands every accepted connection to a
// pool thread. A pool with no free thread (maxSessions plus the refusal threads all busy)
// gets the client a 421 on the spot rather than a silent queue.
void SmtpServer::acceptLoop() {
  const Poco::Timespan slice(std::chrono::duration_cast<std::chrono::microseconds>(context_->pollSlice).count());
  std::string lastError;  // said once while it lasts (EMFILE would otherwise be said 5 times a second)
  const auto trouble = [&](const Poco::Exception& e) {
    if (e.displayText() != lastError) log().warning("smtp accept: %s", e.displayText());
    lastError = e.displayText();
    std::this_thread::sleep_for(std::chrono::seconds(1));
  };
  while (!acceptStop_.load()) {
    context_->acceptProgressMillis = steadyMillis();
    if (context_->acceptHook) context_->acceptHook();
    bool readable = false;
    try {
      readable = socket_->poll(slice, Poco::Net::Socket::SELECT_READ);
    } catch (const Poco::Exception& e) {
      trouble(e);
      continue;
    }
    if (!readable || acceptStop_.load()) continue;
    Poco::Net::StreamSocket client;
    try {
      client = socket_->acceptConnection();
    } catch (const Poco::Exception& e) {
      // EMFILE and the like: said once, then the loop goes on a second later (the pending
      // client stays in the backlog, so retrying at once would spin).
      trouble(e);
      continue;
    }
    if (!lastError.empty()) log().notice("smtp accept: accepting again");
    lastError.clear();
    auto* task = new ConnectionTask(client, context_);
    try {
      pool_->start(*task);
    } catch (const Poco::Exception&) {
      delete task;
      try {
        client.setSendTimeout(Poco::Timespan(1, 0));
        const std::string busy = "421 4.3.2 " + context_->settings.hostname + " too busy, try again later\r\n";
        client.sendBytes(busy.data(), static_cast<int>(busy.size()));
        client.close();
      } catch (const Poco::Exception&) {
      }
    }
  }
}

int64_t SmtpServer::acceptLoopProgressMillis() const { return context_->acceptProgressMillis.load(); }

void SmtpServer::setAcceptHookForTest(std::function<void()> hook) { context_->acceptHook = std::move(hook); }

void SmtpServer::stop(std::chrono::milliseconds grace) {
  if (!acceptor_.joinable()) return;
  context_->stopping = true;
  acceptStop_ = true;
  acceptor_.join();  // no more accepts; clients still in the listen queue are refused by the close
  try {
    socket_->close();
  } catch (const Poco::Exception& e) {
    log().warning("smtp stop: %s", e.displayText());
  }
  const auto waitFor = [this](std::chrono::milliseconds d) {
    const auto until = std::chrono::steady_clock::now() + d;
    while (context_->active.load() > 0 && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  };
  waitFor(grace);
  if (context_->active.load() > 0) {
    log().warning("smtp stop: %u sessions still busy after the grace period, closing them",
                  context_->active.load());
    context_->forceClose = true;
  }
  // Each session notices within one poll slice; a delegate call in progress is waited for.
  pool_->joinAll();
  socket_.reset();
  pool_.reset();
  log().information("smtp stopped");
}

}  // namespace mg::smtp
