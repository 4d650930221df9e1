#include "crypto/SelfSignedCertificate.h"

#include "TempDir.h"

#include <gtest/gtest.h>
#include <mbedtls/oid.h>
#include <mbedtls/pk.h>
#include <mbedtls/x509_crt.h>
#include <sys/stat.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace mg::crypto {
namespace {

mode_t modeOf(const std::filesystem::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0);
  return st.st_mode & 07777;
}

std::string readFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Runs a shell command, returns exit status and combined output.
std::pair<int, std::string> run(const std::string& command) {
  std::string output;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return {-1, ""};
  std::array<char, 512> chunk{};
  while (std::fgets(chunk.data(), chunk.size(), pipe) != nullptr) output += chunk.data();
  return {::pclose(pipe), output};
}

class ParsedPair {
 public:
  ParsedPair(const CertificatePem& pem) {
    mbedtls_x509_crt_init(&crt_);
    mbedtls_pk_init(&key_);
    // PEM parsing in mbedTLS needs the terminating NUL counted in the length.
    crtRc_ = mbedtls_x509_crt_parse(&crt_, reinterpret_cast<const unsigned char*>(pem.certificate.c_str()),
                                    pem.certificate.size() + 1);
    keyRc_ = mbedtls_pk_parse_key(&key_, reinterpret_cast<const unsigned char*>(pem.privateKey.c_str()),
                                  pem.privateKey.size() + 1, nullptr, 0);
  }
  ~ParsedPair() {
    mbedtls_x509_crt_free(&crt_);
    mbedtls_pk_free(&key_);
  }
  ParsedPair(const ParsedPair&) = delete;
  ParsedPair& operator=(const ParsedPair&) = delete;
  mbedtls_x509_crt crt_;
  mbedtls_pk_context key_;
  int crtRc_ = -1;
  int keyRc_ = -1;
};

TEST(SelfSignedCertificateTest, GeneratesPairThatMbedtlsParses) {
  auto pem = SelfSignedCertificate::generate("mailgate.local");
  ASSERT_TRUE(pem) << pem.errorMessage();
  ParsedPair parsed(*pem);
  ASSERT_EQ(parsed.crtRc_, 0);
  ASSERT_EQ(parsed.keyRc_, 0);
  EXPECT_EQ(mbedtls_pk_check_pair(&parsed.crt_.pk, &parsed.key_), 0);
  EXPECT_EQ(mbedtls_pk_get_type(&parsed.key_), MBEDTLS_PK_ECKEY);
  EXPECT_EQ(parsed.crt_.version, 3);
  EXPECT_EQ(parsed.crt_.valid_to.year - parsed.crt_.valid_from.year, SelfSignedCertificate::kValidityYears);
  std::array<char, 256> subject{};
  ASSERT_GT(mbedtls_x509_dn_gets(subject.data(), subject.size(), &parsed.crt_.subject), 0);
  EXPECT_NE(std::string(subject.data()).find("CN=mailgate.local"), std::string::npos) << subject.data();
  EXPECT_TRUE(parsed.crt_.ext_types & MBEDTLS_X509_EXT_SUBJECT_ALT_NAME);
  // mbedTLS matches the expected name against subjectAltName when it is present.
  uint32_t flags = 0;
  EXPECT_EQ(mbedtls_x509_crt_verify(&parsed.crt_, &parsed.crt_, nullptr, "mailgate.local", &flags, nullptr, nullptr), 0)
      << flags;
  EXPECT_EQ(mbedtls_x509_crt_verify(&parsed.crt_, &parsed.crt_, nullptr, "localhost", &flags, nullptr, nullptr), 0);
  EXPECT_NE(mbedtls_x509_crt_verify(&parsed.crt_, &parsed.crt_, nullptr, "other.example", &flags, nullptr, nullptr), 0);
}

TEST(SelfSignedCertificateTest, SerialsAreRandom) {
  auto a = SelfSignedCertificate::generate("a.local");
  auto b = SelfSignedCertificate::generate("a.local");
  ASSERT_TRUE(a && b);
  ParsedPair pa(*a), pb(*b);
  ASSERT_EQ(pa.crt_.serial.len, pb.crt_.serial.len);
  EXPECT_NE(std::string(reinterpret_cast<const char*>(pa.crt_.serial.p), pa.crt_.serial.len),
            std::string(reinterpret_cast<const char*>(pb.crt_.serial.p), pb.crt_.serial.len));
}

TEST(SelfSignedCertificateTest, AcceptsIpLiteralHostnames) {
  EXPECT_TRUE(SelfSignedCertificate::generate("192.168.1.20"));
  EXPECT_TRUE(SelfSignedCertificate::generate("fd00::20"));
}

TEST(SelfSignedCertificateTest, RejectsHostnamesThatCouldInjectSubjectFields) {
  for (const std::string& bad : {std::string(), std::string("evil,CN=bank.example"), std::string("a b"),
                                std::string("-lead.example"), std::string("a..b"), std::string(300, 'a')}) {
    auto pem = SelfSignedCertificate::generate(bad);
    EXPECT_FALSE(pem) << bad;
  }
}

TEST(SelfSignedCertificateTest, EnsureWritesKey0600AndCertificate0644InNewDir0700) {
  test::TempDir tmp;
  const auto dir = tmp.path() / "tls";
  auto files = SelfSignedCertificate::ensureSelfSigned(dir, "mailgate.local");
  ASSERT_TRUE(files) << files.errorMessage();
  EXPECT_EQ(files->certificate, dir / "cert.pem");
  EXPECT_EQ(files->privateKey, dir / "key.pem");
  EXPECT_EQ(modeOf(dir), 0700u);
  EXPECT_EQ(modeOf(files->privateKey), 0600u);
  EXPECT_EQ(modeOf(files->certificate), 0644u);
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir), {}), 2);  // no temp files left
}

TEST(SelfSignedCertificateTest, EnsureKeepsAnExistingPair) {
  test::TempDir tmp;
  auto first = SelfSignedCertificate::ensureSelfSigned(tmp.path(), "mailgate.local");
  ASSERT_TRUE(first) << first.errorMessage();
  const std::string cert = readFile(first->certificate);
  auto second = SelfSignedCertificate::ensureSelfSigned(tmp.path(), "renamed.local");
  ASSERT_TRUE(second) << second.errorMessage();
  EXPECT_EQ(readFile(second->certificate), cert);
}

TEST(SelfSignedCertificateTest, EnsureMakesNewPairWhenKeyIsMissing) {
  test::TempDir tmp;
  auto first = SelfSignedCertificate::ensureSelfSigned(tmp.path(), "mailgate.local");
  ASSERT_TRUE(first);
  const std::string cert = readFile(first->certificate);
  std::filesystem::remove(first->privateKey);
  auto second = SelfSignedCertificate::ensureSelfSigned(tmp.path(), "mailgate.local");
  ASSERT_TRUE(second) << second.errorMessage();
  EXPECT_NE(readFile(second->certificate), cert);
  EXPECT_TRUE(SelfSignedCertificate::ensureSelfSigned(tmp.path(), "mailgate.local"));  // and it matches
}

TEST(SelfSignedCertificateTest, EnsureRefusesKeyReadableByOthers) {
  test::TempDir tmp;
  auto files = SelfSignedCertificate::ensureSelfSigned(tmp.path(), "mailgate.local");
  ASSERT_TRUE(files);
  ::chmod(files->privateKey.c_str(), 0644);
  auto again = SelfSignedCertificate::ensureSelfSigned(tmp.path(), "mailgate.local");
  ASSERT_FALSE(again);
  EXPECT_NE(again.errorMessage().find("chmod 600"), std::string::npos) << again.errorMessage();
  EXPECT_EQ(again.errorMessage().find("PRIVATE KEY"), std::string::npos);
}

TEST(SelfSignedCertificateTest, EnsureRefusesMismatchedPair) {
  test::TempDir a, b;
  auto one = SelfSignedCertificate::ensureSelfSigned(a.path(), "mailgate.local");
  auto two = SelfSignedCertificate::ensureSelfSigned(b.path(), "mailgate.local");
  ASSERT_TRUE(one && two);
  std::filesystem::copy_file(two->privateKey, one->privateKey, std::filesystem::copy_options::overwrite_existing);
  auto again = SelfSignedCertificate::ensureSelfSigned(a.path(), "mailgate.local");
  ASSERT_FALSE(again);
  EXPECT_NE(again.errorMessage().find("do not match"), std::string::npos) << again.errorMessage();
}

TEST(SelfSignedCertificateTest, OpenSslReadsVerifiesAndMatchesThePair) {
  if (run(std::string(MG_OPENSSL_CLI) + " version").first != 0) GTEST_SKIP() << "openssl CLI not available";
  test::TempDir tmp;
  auto files = SelfSignedCertificate::ensureSelfSigned(tmp.path(), "mailgate.local");
  ASSERT_TRUE(files) << files.errorMessage();
  const std::string openssl = MG_OPENSSL_CLI;
  const std::string cert = files->certificate.string(), key = files->privateKey.string();

  const auto [textRc, text] = run(openssl + " x509 -in " + cert + " -noout -text");
  ASSERT_EQ(textRc, 0) << text;
  EXPECT_NE(text.find("CN = mailgate.local"), std::string::npos) << text;
  EXPECT_NE(text.find("DNS:mailgate.local"), std::string::npos) << text;
  EXPECT_NE(text.find("DNS:localhost"), std::string::npos) << text;
  EXPECT_NE(text.find("IP Address:127.0.0.1"), std::string::npos) << text;
  EXPECT_NE(text.find("TLS Web Server Authentication"), std::string::npos) << text;
  EXPECT_NE(text.find("prime256v1"), std::string::npos) << text;
  EXPECT_NE(text.find("Version: 3"), std::string::npos) << text;

  const auto [verifyRc, verify] = run(openssl + " verify -x509_strict -CAfile " + cert + " " + cert);
  EXPECT_EQ(verifyRc, 0) << verify;
  EXPECT_NE(verify.find(": OK"), std::string::npos) << verify;

  const auto [certKeyRc, certKey] = run(openssl + " x509 -in " + cert + " -noout -pubkey");
  const auto [keyKeyRc, keyKey] = run(openssl + " pkey -in " + key + " -pubout");
  ASSERT_EQ(certKeyRc, 0) << certKey;
  ASSERT_EQ(keyKeyRc, 0) << keyKey;
  EXPECT_EQ(certKey, keyKey);
}

}  // namespace
}  // namespace mg::crypto
