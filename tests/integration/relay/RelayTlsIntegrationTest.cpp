// STARTTLS and implicit TLS against a tiny Python SMTP peer (smtp-sink has no TLS), with a
// throw-away self-signed certificate made by openssl(1) for each test.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>

#include "Subprocess.h"
#include "relay/SmtpClient.h"

using mg::common::UpstreamSettings;
using mg::quarantine::DeliveryRequest;
using mg::relay::SmtpClient;
using mg::relay::TransactionResult;
using mg::relay::test::Subprocess;

namespace {

class TlsPeer {
 public:
  explicit TlsPeer(const std::string& mode) : dir_(Subprocess::makeTempDir(false)), port_(Subprocess::freePort()) {
    const std::string cmd = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 "
                            "-subj /CN=localhost -addext subjectAltName=DNS:localhost -keyout " +
                            dir_ + "/key.pem -out " + dir_ + "/cert.pem >/dev/null 2>&1";
    if (std::system(cmd.c_str()) != 0) throw std::runtime_error("openssl req failed");
    process_ = std::make_unique<Subprocess>(
        std::vector<std::string>{"/usr/bin/python3", MG_RELAY_TLS_PEER, std::to_string(port_), dir_ + "/cert.pem",
                                 dir_ + "/key.pem", mode, dir_},
        port_);
  }
  ~TlsPeer() {
    process_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  uint16_t port() const { return port_; }
  std::vector<std::string> messages(std::size_t atLeast = 0, int waitMillis = 3000) const {
    return Subprocess::readFiles(dir_, atLeast, waitMillis);
  }

 private:
  std::string dir_;
  uint16_t port_;
  std::unique_ptr<Subprocess> process_;
};

UpstreamSettings upstream(uint16_t port, const std::string& tls, bool verify) {
  UpstreamSettings u;
  u.name = "tls";
  u.host = "localhost";
  u.port = port;
  u.tls = tls;
  u.verifyTls = verify;
  u.timeoutSeconds = 5;
  u.username = "gate";
  u.password = "s3cret-password";
  return u;
}

DeliveryRequest request(const std::string& raw) {
  DeliveryRequest r;
  r.mailFrom = "a@example.org";
  r.rcptTo = {"b@example.org"};
  r.raw = raw;
  return r;
}

class RelayTlsIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (access("/usr/bin/python3", X_OK) != 0 || access("/usr/bin/openssl", X_OK) != 0) {
      GTEST_SKIP() << "needs /usr/bin/python3 and /usr/bin/openssl";
    }
  }
};

const std::string kRaw = "Subject: tls\r\n\r\n.dot first\r\ncaf\xc3\xa9\r\n.\r\nend\r\n";

}  // namespace

TEST_F(RelayTlsIntegrationTest, StartTlsUpgradesThenAuthenticatesAndDelivers) {
  TlsPeer peer("starttls");  // refuses AUTH and MAIL before TLS
  const auto r = SmtpClient(upstream(peer.port(), "starttls", false), "gate.test").send(request(kRaw));
  ASSERT_TRUE(r.delivered()) << r.reason;
  EXPECT_EQ(r.reply, "250 2.0.0 queued as TLS1");
  const auto msgs = peer.messages(1);
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0], kRaw);
}

TEST_F(RelayTlsIntegrationTest, ImplicitTlsDelivers) {
  TlsPeer peer("implicit");
  const auto r = SmtpClient(upstream(peer.port(), "implicit", false), "gate.test").send(request(kRaw));
  ASSERT_TRUE(r.delivered()) << r.reason;
  const auto msgs = peer.messages(1);
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0], kRaw);
}

TEST_F(RelayTlsIntegrationTest, UntrustedCertificateIsRefusedWhenVerifying) {
  TlsPeer peer("starttls");
  const auto r = SmtpClient(upstream(peer.port(), "starttls", true), "gate.test").send(request(kRaw));
  EXPECT_EQ(r.kind, TransactionResult::Kind::Temporary);
  EXPECT_TRUE(r.relayFault);
  EXPECT_EQ(r.reason.rfind("upstream tls: TLS handshake: TLS: ", 0), 0u) << r.reason;
  EXPECT_NE(r.reason.find("certificate verify failed"), std::string::npos) << r.reason;
  EXPECT_TRUE(peer.messages(0, 200).empty());
}

TEST_F(RelayTlsIntegrationTest, UntrustedCertificateIsRefusedForImplicitTls) {
  TlsPeer peer("implicit");
  const auto r = SmtpClient(upstream(peer.port(), "implicit", true), "gate.test").send(request(kRaw));
  EXPECT_FALSE(r.delivered());
  EXPECT_NE(r.reason.find("certificate verify failed"), std::string::npos) << r.reason;
  EXPECT_TRUE(peer.messages(0, 200).empty());
}

TEST_F(RelayTlsIntegrationTest, PlaintextInjectedAfterStartTlsIsRefused) {
  TlsPeer peer("inject");
  const auto r = SmtpClient(upstream(peer.port(), "starttls", false), "gate.test").send(request(kRaw));
  EXPECT_EQ(r.kind, TransactionResult::Kind::Temporary);
  EXPECT_NE(r.reason.find("plaintext injection"), std::string::npos) << r.reason;
}
