// The server on real sockets (127.0.0.1, ephemeral ports): pipelining, limits, timeouts,
// the session cap, STARTTLS with a throw-away certificate, and graceful stop.
#include "smtp/SmtpServer.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <thread>

#include "common/Metrics.h"
#include "smtp/Sasl.h"

namespace mg::smtp {
namespace {

using namespace std::chrono_literals;

class LockedDelegate : public BufferingDelegate {
 public:
  bool diskHasRoom() override { return true; }
  AuthVerdict authenticate(const std::string& user, const std::string& password, const std::string&) override {
    return user == "alice" && password == "correct horse" ? AuthVerdict::Accepted : AuthVerdict::Rejected;
  }
  AcceptResult acceptRaw(const Envelope& env, std::string raw) override {
    std::lock_guard<std::mutex> lock(mu);
    accepted.emplace_back(env, std::move(raw));
    return {AcceptResult::Kind::Accepted, "250 2.0.0 Ok: held as " + std::to_string(accepted.size()), "held"};
  }
  size_t count() {
    std::lock_guard<std::mutex> lock(mu);
    return accepted.size();
  }
  std::mutex mu;
  std::vector<std::pair<Envelope, std::string>> accepted;
};

// A line-oriented test client over a plain or TLS socket.
class Client {
 public:
  explicit Client(uint16_t port) : socket_(Poco::Net::SocketAddress("127.0.0.1", port)) {
    socket_.setReceiveTimeout(Poco::Timespan(5, 0));
  }
  // From another loopback address (127.0.0.0/8 is all local on Linux): another LAN host.
  Client(uint16_t port, const std::string& from) {
    socket_.impl()->bind(Poco::Net::SocketAddress(from, 0), false);
    socket_.connect(Poco::Net::SocketAddress("127.0.0.1", port));
    socket_.setReceiveTimeout(Poco::Timespan(5, 0));
  }
  void write(const std::string& s) { socket_.sendBytes(s.data(), static_cast<int>(s.size())); }
  // The last line of the next reply ("250 2.0.0 Ok"), or "" on EOF.
  std::string reply() {
    while (true) {
      const std::string l = line();
      if (l.size() < 4 || l[3] != '-') return l;
    }
  }
  std::string line() {
    while (true) {
      const size_t p = buffer_.find("\r\n");
      if (p != std::string::npos) {
        std::string l = buffer_.substr(0, p);
        buffer_.erase(0, p + 2);
        return l;
      }
      char buf[4096];
      const int n = socket_.receiveBytes(buf, sizeof buf);
      if (n <= 0) return "";
      buffer_.append(buf, static_cast<size_t>(n));
    }
  }
  std::string code(const std::string& command) {
    write(command + "\r\n");
    return reply().substr(0, 9);
  }
  void startTls() {
    Poco::Net::Context::Ptr ctx =
        new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", "", Poco::Net::Context::VERIFY_NONE);
    Poco::Net::SecureStreamSocket tls = Poco::Net::SecureStreamSocket::attach(socket_, "localhost", ctx);
    tls.completeHandshake();
    socket_ = tls;
  }
  Poco::Net::StreamSocket& socket() { return socket_; }

 private:
  Poco::Net::StreamSocket socket_;
  std::string buffer_;
};

class SmtpServerTest : public ::testing::Test {
 protected:
  common::SmtpSettings settings() {
    common::SmtpSettings s;
    s.listen = {"127.0.0.1", 0};
    s.hostname = "gate.test";
    s.maxMessageBytes = 10000;
    s.maxSessions = 4;
    s.commandTimeoutSeconds = 5;
    s.dataTimeoutSeconds = 5;
    return s;
  }
  std::unique_ptr<SmtpServer> start(const common::SmtpSettings& s) {
    auto server = std::make_unique<SmtpServer>(s, delegate_);
    server->setPollInterval(50ms);
    const auto st = server->start();
    EXPECT_TRUE(st.ok()) << st.message();
    EXPECT_NE(server->port(), 0);
    return server;
  }

  LockedDelegate delegate_;
};

TEST_F(SmtpServerTest, PipelinedTransactionInOneWrite) {
  auto server = start(settings());
  Client c(server->port());
  EXPECT_EQ(c.reply(), "220 gate.test ESMTP mailgate");
  c.write(
      "EHLO client.test\r\nMAIL FROM:<a@x.test>\r\nRCPT TO:<b@y.test>\r\nRCPT TO:<c@y.test>\r\nDATA\r\n"
      "Subject: t\r\n\r\n..dot\r\n8bit \xe9\xff\r\nlast\r\n.\r\nNOOP\r\nQUIT\r\n");
  EXPECT_EQ(c.reply(), "250 SMTPUTF8");
  EXPECT_EQ(c.reply(), "250 2.1.0 Ok");
  EXPECT_EQ(c.reply(), "250 2.1.5 Ok");
  EXPECT_EQ(c.reply(), "250 2.1.5 Ok");
  EXPECT_EQ(c.reply().substr(0, 3), "354");
  EXPECT_EQ(c.reply(), "250 2.0.0 Ok: held as 1");
  EXPECT_EQ(c.reply(), "250 2.0.0 Ok");
  EXPECT_EQ(c.reply(), "221 2.0.0 Bye");
  EXPECT_EQ(c.reply(), "");  // closed
  ASSERT_EQ(delegate_.count(), 1u);
  const auto& [env, raw] = delegate_.accepted[0];
  EXPECT_EQ(env.rcptTo.size(), 2u);
  EXPECT_EQ(env.clientAddress.substr(0, 10), "127.0.0.1:");
  EXPECT_EQ(env.clientHost, "127.0.0.1");
  EXPECT_EQ(raw, "Subject: t\r\n\r\n.dot\r\n8bit \xe9\xff\r\nlast\r\n");
}

TEST_F(SmtpServerTest, SecondServerOnTheSamePortReportsAddressInUse) {
  auto first = start(settings());
  auto s = settings();
  s.listen.port = first->port();
  SmtpServer second(s, delegate_);
  const auto st = second.start();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("address already in use"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("smtp.listen 127.0.0.1:"), std::string::npos) << st.message();
}

TEST_F(SmtpServerTest, OversizeMessageAndOverlongCommand) {
  auto s = settings();
  s.maxMessageBytes = 2000;
  auto server = start(s);
  Client c(server->port());
  c.reply();
  EXPECT_EQ(c.code("EHLO c"), "250 SMTPU");
  EXPECT_EQ(c.code("MAIL FROM:<a@x.test> SIZE=2001"), "552 5.3.4");
  EXPECT_EQ(c.code("MAIL FROM:<a@x.test>"), "250 2.1.0");
  EXPECT_EQ(c.code("RCPT TO:<b@y.test>"), "250 2.1.5");
  EXPECT_EQ(c.code("DATA"), "354 End d");
  const std::string line(80, 'x');
  std::string body;
  for (int i = 0; i < 100; ++i) body += line + "\r\n";
  c.write(body + ".\r\n");
  EXPECT_EQ(c.reply().substr(0, 9), "552 5.3.4");
  EXPECT_EQ(c.code("NOOP " + std::string(100000, 'n')), "500 5.5.2");
  EXPECT_EQ(c.code("NOOP"), "250 2.0.0");  // the stream is back in step
  EXPECT_EQ(delegate_.count(), 0u);
}

TEST_F(SmtpServerTest, CommandAndDataTimeouts) {
  auto s = settings();
  s.commandTimeoutSeconds = 1;
  s.dataTimeoutSeconds = 1;
  auto server = start(s);
  {
    Client c(server->port());
    c.reply();
    // Alive and answering until it goes quiet: the 421 comes from the idle timer, not at once.
    EXPECT_EQ(c.code("NOOP"), "250 2.0.0");
    EXPECT_EQ(c.reply(), "421 4.4.2 gate.test Error: timeout exceeded");
    EXPECT_EQ(c.reply(), "");
  }
  {
    Client c(server->port());
    c.reply();
    c.write("EHLO c\r\nMAIL FROM:<a@x.test>\r\nRCPT TO:<b@y.test>\r\nDATA\r\npartial\r\n");
    for (int i = 0; i < 4; ++i) c.reply();
    EXPECT_EQ(c.reply().substr(0, 9), "421 4.4.2");
  }
  EXPECT_EQ(delegate_.count(), 0u);
}

TEST_F(SmtpServerTest, SessionLimit) {
  auto s = settings();
  s.maxSessions = 1;
  auto server = start(s);
  auto first = std::make_unique<Client>(server->port());
  EXPECT_EQ(first->reply().substr(0, 3), "220");
  EXPECT_EQ(common::Metrics::global().value("mailgate_smtp_sessions_active"), 1.0);
  Client second(server->port());
  EXPECT_EQ(second.reply(), "421 4.7.0 gate.test Error: too many sessions, try again later");
  EXPECT_EQ(second.reply(), "");
  EXPECT_EQ(first->code("QUIT"), "221 2.0.0");
  first.reset();
  for (int i = 0; i < 100 && server->activeSessions() > 0; ++i) std::this_thread::sleep_for(20ms);
  Client third(server->port());
  EXPECT_EQ(third.reply().substr(0, 3), "220");
}

TEST_F(SmtpServerTest, PerAddressCapRefusesThatHostButNotAnother) {
  auto s = settings();
  s.maxSessions = 10;
  s.maxSessionsPerAddress = 2;
  auto server = start(s);
  Client a(server->port());
  Client b(server->port());
  EXPECT_EQ(a.reply().substr(0, 3), "220");
  EXPECT_EQ(b.reply().substr(0, 3), "220");
  Client third(server->port());
  EXPECT_EQ(third.reply(), "421 4.7.0 gate.test Error: too many sessions from your address, try again later");
  Client other(server->port(), "127.0.0.2");
  EXPECT_EQ(other.reply().substr(0, 3), "220");
  EXPECT_EQ(other.code("QUIT"), "221 2.0.0");
}

TEST_F(SmtpServerTest, SilentClientIsCutAtTheGreetingTimeout) {
  auto s = settings();
  s.commandTimeoutSeconds = 300;  // far beyond the client's 5 s read timeout: only the
  s.greetingTimeoutSeconds = 1;   // greeting deadline can produce the 421 it waits for
  auto server = start(s);
  Client c(server->port());
  EXPECT_EQ(c.reply().substr(0, 3), "220");
  EXPECT_EQ(c.reply(), "421 4.4.2 gate.test Error: timeout exceeded");
}

TEST_F(SmtpServerTest, StopClosesIdleSessionsWith421) {
  auto server = start(settings());
  Client c(server->port());
  c.reply();
  EXPECT_EQ(c.code("EHLO c"), "250 SMTPU");
  // A grace far longer than any test may run: stop() must not wait for it when no
  // transaction is under way. Were it to, join() would hang and ctest's timeout fail the test.
  std::thread stopper([&] { server->stop(3600s); });
  EXPECT_EQ(c.reply().substr(0, 9), "421 4.3.2");
  stopper.join();
  EXPECT_FALSE(server->running());
  server->stop();  // twice is fine
}

TEST_F(SmtpServerTest, StopLetsATransactionFinish) {
  auto server = start(settings());
  Client c(server->port());
  c.reply();
  c.write("EHLO c\r\nMAIL FROM:<a@x.test>\r\nRCPT TO:<b@y.test>\r\nDATA\r\n");
  for (int i = 0; i < 4; ++i) c.reply();
  Client idle(server->port());
  EXPECT_EQ(idle.reply().substr(0, 3), "220");
  std::thread stopper([&] { server->stop(3600s); });
  // The idle session's 421 is the proof that the stop is under way before the body is sent.
  EXPECT_EQ(idle.reply().substr(0, 9), "421 4.3.2");
  c.write("late body\r\n.\r\n");
  EXPECT_EQ(c.reply(), "250 2.0.0 Ok: held as 1");
  EXPECT_EQ(c.reply().substr(0, 9), "421 4.3.2");  // then the session is closed
  stopper.join();
  EXPECT_EQ(delegate_.count(), 1u);
}

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "mg-smtp-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST_F(SmtpServerTest, StartTlsThenAuthAndDeliver) {
  TempDir dir;
  const std::string cert = dir.path() + "/cert.pem";
  const std::string key = dir.path() + "/key.pem";
  const std::string cmd = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost "
                          "-days 1 -keyout " + key + " -out " + cert + " >/dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  auto s = settings();
  s.tlsCert = cert;
  s.tlsKey = key;
  s.requireAuth = true;
  auto server = start(s);
  ASSERT_TRUE(server->tlsAvailable());
  Client c(server->port());
  c.reply();
  c.write("EHLO c\r\n");
  std::string ehlo;
  for (std::string l = c.line(); !l.empty(); l = c.line()) {
    ehlo += l + "\n";
    if (l[3] == ' ') break;
  }
  EXPECT_NE(ehlo.find("STARTTLS"), std::string::npos);
  EXPECT_EQ(ehlo.find("AUTH"), std::string::npos);
  EXPECT_EQ(c.code("MAIL FROM:<a@x.test>"), "530 5.7.0");
  // Plaintext pipelined behind STARTTLS must not be executed inside the TLS session.
  c.write("STARTTLS\r\nNOOP injected\r\n");
  EXPECT_EQ(c.reply(), "220 2.0.0 Ready to start TLS");
  c.startTls();
  EXPECT_EQ(c.code("MAIL FROM:<a@x.test>"), "503 5.5.1");  // fresh session: EHLO first
  c.write("EHLO c\r\n");
  ehlo.clear();
  for (std::string l = c.line(); !l.empty(); l = c.line()) {
    ehlo += l + "\n";
    if (l[3] == ' ') break;
  }
  EXPECT_NE(ehlo.find("AUTH PLAIN LOGIN"), std::string::npos) << ehlo;
  EXPECT_EQ(ehlo.find("STARTTLS"), std::string::npos);
  const std::string creds = detail::encodeBase64(std::string("\0alice\0correct horse", 20));
  EXPECT_EQ(c.code("AUTH PLAIN " + creds), "235 2.7.0");
  c.write("MAIL FROM:<a@x.test>\r\nRCPT TO:<b@y.test>\r\nDATA\r\nsecret body\r\n.\r\nQUIT\r\n");
  EXPECT_EQ(c.reply(), "250 2.1.0 Ok");
  EXPECT_EQ(c.reply(), "250 2.1.5 Ok");
  EXPECT_EQ(c.reply().substr(0, 3), "354");
  EXPECT_EQ(c.reply(), "250 2.0.0 Ok: held as 1");
  EXPECT_EQ(c.reply(), "221 2.0.0 Bye");
  ASSERT_EQ(delegate_.count(), 1u);
  EXPECT_TRUE(delegate_.accepted[0].first.tls);
  EXPECT_EQ(delegate_.accepted[0].first.authUser, "alice");
  EXPECT_EQ(delegate_.accepted[0].second, "secret body\r\n");
}

TEST_F(SmtpServerTest, BadCertificatePathIsAStartError) {
  auto s = settings();
  s.tlsCert = "/nonexistent/cert.pem";
  s.tlsKey = "/nonexistent/key.pem";
  SmtpServer server(s, delegate_);
  const auto st = server.start();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("smtp.tls_cert"), std::string::npos) << st.message();
}

}  // namespace
}  // namespace mg::smtp
