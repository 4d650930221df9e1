// TLS against Dovecot with a self-signed certificate made by openssl in the test's temp dir.
#include "ImapTestSupport.h"

namespace mg::imap::test {
namespace {

class ImapTlsTest : public DovecotTest {
 protected:
  DovecotOptions options() const override {
    DovecotOptions o;
    o.tls = true;
    return o;
  }
};

TEST_P(ImapTlsTest, StartTlsThenLogin) {
  ClientOptions o = server_->clientOptions();
  o.tls = TlsMode::StartTls;
  o.verifyTls = false;
  ImapClient c(o);
  auto s = c.connect();
  ASSERT_TRUE(s.ok()) << s.message() << "\n" << server_->log();
  EXPECT_FALSE(c.hasCapability("STARTTLS")) << "capabilities are refreshed after TLS";
  ASSERT_TRUE(c.login("alice", "alice-pw").ok());
  EXPECT_TRUE(c.select("INBOX").ok());
}

TEST_P(ImapTlsTest, ImplicitTlsThenLogin) {
  ClientOptions o = server_->clientOptions();
  o.port = server_->tlsPort();
  o.tls = TlsMode::Implicit;
  o.verifyTls = false;
  ImapClient c(o);
  auto s = c.connect();
  ASSERT_TRUE(s.ok()) << s.message() << "\n" << server_->log();
  ASSERT_TRUE(c.login("alice", "alice-pw").ok());
  auto a = c.append("INBOX", sampleMessage("tls", uniqueId("tls")), {}, std::nullopt);
  EXPECT_TRUE(a.ok()) << a.errorMessage();
}

TEST_P(ImapTlsTest, VerificationRejectsASelfSignedCertificate) {
  ClientOptions o = server_->clientOptions();
  o.port = server_->tlsPort();
  o.tls = TlsMode::Implicit;
  o.verifyTls = true;
  ImapClient c(o);
  auto s = c.connect();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("TLS"), std::string::npos) << s.message();
}

TEST_P(ImapTlsTest, StartTlsRequiredButNotOfferedIsRefused) {
  DovecotFixture plain(DovecotOptions{GetParam(), true, true, false, {}});
  ClientOptions o = plain.clientOptions();
  o.tls = TlsMode::StartTls;
  ImapClient c(o);
  auto s = c.connect();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("not offered"), std::string::npos) << s.message();
}

INSTANTIATE_TEST_SUITE_P(Layouts, ImapTlsTest, ::testing::Values(NamespaceLayout::SlashNoPrefix), layoutName);

}  // namespace
}  // namespace mg::imap::test
