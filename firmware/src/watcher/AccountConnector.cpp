#include "watcher/AccountConnector.h"

#include "common/Text.h"

namespace mg::watcher {

common::Result<imap::ClientOptions> clientOptionsFor(const WatchedAccount& account, const imap::ClientOptions& base) {
  imap::ClientOptions o = base;
  o.host = account.host;
  o.port = account.port;
  if (!imap::parseTlsMode(account.tls, o.tls)) {
    return common::Result<imap::ClientOptions>::error("account " + account.name + ": unknown tls mode \"" +
                                                      common::sanitize(account.tls) + "\"");
  }
  return o;
}

common::Result<std::unique_ptr<imap::ImapClient>> connectAndLogin(const imap::ClientOptions& options,
                                                                   const std::string& username,
                                                                   const PasswordSource& password) {
  auto client = std::make_unique<imap::ImapClient>(options);
  const std::string where = options.host + ":" + std::to_string(options.port);
  if (auto st = client->connect(); !st) return st.withContext("connecting to " + where);
  auto secret = password ? password() : common::Result<std::string>::error("no password source");
  if (!secret) {
    client->close();
    return secret.status();
  }
  auto st = client->login(username, secret.value());
  std::fill(secret.value().begin(), secret.value().end(), '\0');
  if (!st) {
    client->close();
    return st.withContext("logging in to " + where + " as " + common::sanitize(username));
  }
  return client;
}

}  // namespace mg::watcher
