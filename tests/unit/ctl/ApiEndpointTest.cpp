#include "ctl/ApiEndpoint.h"

#include <gtest/gtest.h>

namespace mg::ctl {
namespace {

common::Settings settingsWith(const std::string& host, uint16_t port, const std::string& tls) {
  common::Settings s;
  s.storage.dataDir = "/var/lib/mailgate";
  s.web.listen = {host, port};
  s.web.tls = tls;
  return s;
}

TEST(ApiEndpointTest, WildcardListenBecomesLoopbackWithThePinnedSelfSignedCertificate) {
  auto ep = ApiEndpointResolver::resolve(settingsWith("0.0.0.0", 8443, "self-signed"), std::nullopt);
  ASSERT_TRUE(ep.ok());
  EXPECT_EQ(ep->baseUrl(), "https://127.0.0.1:8443");
  EXPECT_EQ(ep->trustFile, "/var/lib/mailgate/tls/cert.pem");
  EXPECT_TRUE(ep->verifyHostname);
}

TEST(ApiEndpointTest, Ipv6WildcardBecomesIpv6Loopback) {
  auto ep = ApiEndpointResolver::resolve(settingsWith("::", 8080, "none"), std::nullopt);
  ASSERT_TRUE(ep.ok());
  EXPECT_EQ(ep->baseUrl(), "http://[::1]:8080");
  EXPECT_TRUE(ep->trustFile.empty());
}

TEST(ApiEndpointTest, OperatorCertificateIsPinnedWithoutHostnameCheck) {
  auto s = settingsWith("192.168.1.5", 443, "file");
  s.web.tlsCert = "/etc/mailgate/web.pem";
  auto ep = ApiEndpointResolver::resolve(s, std::nullopt);
  ASSERT_TRUE(ep.ok());
  EXPECT_EQ(ep->baseUrl(), "https://192.168.1.5:443");
  EXPECT_EQ(ep->trustFile, "/etc/mailgate/web.pem");
  EXPECT_FALSE(ep->verifyHostname);
}

TEST(ApiEndpointTest, UrlOverridesAddressButKeepsTrust) {
  auto ep = ApiEndpointResolver::resolve(settingsWith("0.0.0.0", 8443, "self-signed"),
                                         std::string("https://localhost:9443"));
  ASSERT_TRUE(ep.ok());
  EXPECT_EQ(ep->baseUrl(), "https://localhost:9443");
  EXPECT_EQ(ep->trustFile, "/var/lib/mailgate/tls/cert.pem");
  auto plain = ApiEndpointResolver::resolve(settingsWith("0.0.0.0", 8443, "self-signed"),
                                            std::string("http://127.0.0.1:8080/"));
  ASSERT_TRUE(plain.ok());
  EXPECT_TRUE(plain->trustFile.empty());
}

TEST(ApiEndpointTest, BadUrlsAreRejected) {
  const auto s = settingsWith("0.0.0.0", 8443, "self-signed");
  EXPECT_FALSE(ApiEndpointResolver::resolve(s, std::string("ftp://x:1")).ok());
  EXPECT_FALSE(ApiEndpointResolver::resolve(s, std::string("127.0.0.1:8080")).ok());
  auto withPath = ApiEndpointResolver::resolve(s, std::string("http://127.0.0.1:8080/api/v1"));
  ASSERT_FALSE(withPath.ok());
  EXPECT_NE(withPath.errorMessage().find("without a path"), std::string::npos);
}

}  // namespace
}  // namespace mg::ctl
