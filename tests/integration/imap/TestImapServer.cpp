#include "TestImapServer.h"

#include "imap/ImapClient.h"

namespace mg::imap::test {

ClientOptions TestImapServer::clientOptions() const {
  ClientOptions o;
  o.host = host();
  o.port = port();
  o.tls = TlsMode::None;
  o.timeout = std::chrono::milliseconds(5000);
  return o;
}

common::Result<AppendResult> TestImapServer::appendAs(const std::string& user, const std::string& password,
                                                      const std::string& mailbox, const std::string& message,
                                                      const std::vector<std::string>& flags) const {
  ImapClient other(clientOptions());
  if (auto s = other.connect(); !s) return s;
  if (auto s = other.login(user, password); !s) return s;
  auto r = other.append(mailbox, message, flags, std::nullopt);
  (void)other.logout();
  return r;
}

}  // namespace mg::imap::test
