#pragma once
// A real Courier-IMAP for integration tests, as Debian ships it (courier-imap's imapd with the
// settings of its /etc/courier/imapd: IDLE re-scans the mailbox only every IMAP_IDLE_TIMEOUT
// = 60 s, no MOVE). The package conflicts with dovecot-imapd, so tools/install-deps.sh unpacks
// it with `dpkg -x` into build/peers/courier (MG_COURIER_ROOT overrides) instead of installing
// it. couriertcpd serves 127.0.0.1:<free port> and starts imapd per connection on
// one Maildir, already authenticated (PREAUTH): Courier's login step needs its authdaemond at
// a fixed system path, which a test must not touch.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "TestImapServer.h"

namespace mg::imap::test {

class TestProcess;

class CourierFixture : public TestImapServer {
 public:
  static std::string root();
  static bool available();  // the unpacked imapd and couriertcpd are there

  CourierFixture();  // starts it; throws if it cannot
  ~CourierFixture() override;
  CourierFixture(const CourierFixture&) = delete;
  CourierFixture& operator=(const CourierFixture&) = delete;

  const std::string& host() const override { return host_; }
  uint16_t port() const override { return port_; }
  std::string folder(const std::string& name) const override { return "INBOX." + name; }
  // appendAs (TestImapServer's) takes any user and password: the server is pre-authenticated.
  std::string log() const;  // couriertcpd's and imapd's stderr

 private:
  std::string dir_;
  std::string host_ = "127.0.0.1";
  uint16_t port_ = 0;
  std::unique_ptr<TestProcess> process_;
};

}  // namespace mg::imap::test
