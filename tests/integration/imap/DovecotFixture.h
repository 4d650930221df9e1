#pragma once
// A real Dovecot for integration tests, on 127.0.0.1 with free ports, in a temp dir of its
// own (config, passwd-file users, Maildirs, base_dir, state_dir, log). Runs as root: the
// login processes use "nobody" and mail is owned by nobody (Dovecot refuses uid 0 for mail).
// Reusable by the watcher tests: link mg_test_dovecot.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/Status.h"
#include "imap/ClientOptions.h"
#include "imap/ImapTypes.h"
#include "TestImapServer.h"

namespace mg::imap::test {

class TestProcess;

enum class NamespaceLayout {
  SlashNoPrefix,   // separator "/", prefix ""      → "Quarantine"
  DotInboxPrefix,  // separator ".", prefix "INBOX." → "INBOX.Quarantine"
};

struct DovecotOptions {
  NamespaceLayout layout = NamespaceLayout::SlashNoPrefix;
  bool idle = true;  // false: IDLE left out of the advertised capabilities
  bool moveAndUidplus = true;  // false: neither MOVE nor UIDPLUS advertised
  bool tls = false;  // self-signed cert (CN 127.0.0.1): STARTTLS on port(), implicit TLS on tlsPort()
  std::vector<std::string> extraConfig;  // appended verbatim to dovecot.conf
};

class DovecotFixture : public TestImapServer {
 public:
  // Root and /usr/sbin/dovecot are required; tests GTEST_SKIP() without them.
  static bool available();

  explicit DovecotFixture(DovecotOptions options = {});  // starts it; throws if it cannot
  ~DovecotFixture() override;
  DovecotFixture(const DovecotFixture&) = delete;
  DovecotFixture& operator=(const DovecotFixture&) = delete;

  // Adds (or changes) a passwd-file user; Dovecot rereads the file on the next login.
  void addUser(const std::string& user, const std::string& password);

  const std::string& host() const override { return host_; }
  uint16_t port() const override { return port_; }
  uint16_t tlsPort() const { return tlsPort_; }  // 0 without tls
  const DovecotOptions& options() const { return options_; }
  // "Quarantine" or "INBOX.Quarantine": the full name a folder gets in this layout.
  std::string folder(const std::string& name) const override;

  void stop();     // kills the whole process group; data stays
  void start();    // same config, port and data
  void restart() { stop(); start(); }
  bool running() const;

  // Another client's actions, on their own connection (login, act, logout); appendAs is
  // TestImapServer's.
  common::Status deleteFolderAs(const std::string& user, const std::string& password, const std::string& mailbox);

  const std::string& dir() const { return dir_; }
  std::string maildir(const std::string& user) const { return dir_ + "/home/" + user + "/Maildir"; }
  std::string log() const;  // Dovecot's log file, for failure messages

 private:
  void writeConfig();
  void makeCertificate();

  DovecotOptions options_;
  std::string host_ = "127.0.0.1";
  std::string dir_;
  uint16_t port_ = 0;
  uint16_t tlsPort_ = 0;
  std::unique_ptr<TestProcess> process_;
};

// A small RFC 5322 message with a unique Message-ID, CRLF line ends.
std::string sampleMessage(const std::string& subject, const std::string& messageId, const std::string& body = "hello\r\n");

}  // namespace mg::imap::test
