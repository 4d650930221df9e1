#pragma once
// Shared set-up for the IMAP integration tests: one Dovecot per test, both layouts.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>

#include "DovecotFixture.h"
#include "imap/ImapClient.h"

namespace mg::imap::test {

inline std::string layoutName(const ::testing::TestParamInfo<NamespaceLayout>& info) {
  return info.param == NamespaceLayout::SlashNoPrefix ? "SlashNoPrefix" : "DotInboxPrefix";
}

inline std::string uniqueId(const std::string& what) {
  static std::atomic<int> n{0};
  return "<" + what + "." + std::to_string(getpid()) + "." + std::to_string(++n) + "@mailgate.test>";
}

class DovecotTest : public ::testing::TestWithParam<NamespaceLayout> {
 protected:
  void SetUp() override {
    if (!DovecotFixture::available()) GTEST_SKIP() << "needs root and /usr/sbin/dovecot";
    DovecotOptions o = options();
    o.layout = GetParam();
    server_ = std::make_unique<DovecotFixture>(o);
    server_->addUser("alice", "alice-pw");
  }
  virtual DovecotOptions options() const { return {}; }

  // A logged-in client (fails the test if it cannot log in).
  std::unique_ptr<ImapClient> client(ClientOptions o) {
    auto c = std::make_unique<ImapClient>(o);
    auto s = c->connect();
    EXPECT_TRUE(s.ok()) << s.message() << "\n" << server_->log();
    s = c->login("alice", "alice-pw");
    EXPECT_TRUE(s.ok()) << s.message() << "\n" << server_->log();
    return c;
  }
  std::unique_ptr<ImapClient> client() { return client(server_->clientOptions()); }

  std::unique_ptr<DovecotFixture> server_;
};

}  // namespace mg::imap::test
