#pragma once
// Opens an account's connection: connect (TLS as configured) and log in. The password is
// asked for per connection and dropped right after LOGIN; it is never logged or kept.
#include <functional>
#include <memory>
#include <string>

#include "common/Status.h"
#include "imap/ImapClient.h"
#include "watcher/MailboxScanner.h"

namespace mg::watcher {

using PasswordSource = std::function<common::Result<std::string>()>;

// `base` carries the timeouts and TLS verification; host, port and TLS mode come from the account.
common::Result<imap::ClientOptions> clientOptionsFor(const WatchedAccount& account, const imap::ClientOptions& base);

common::Result<std::unique_ptr<imap::ImapClient>> connectAndLogin(const imap::ClientOptions& options,
                                                                   const std::string& username,
                                                                   const PasswordSource& password);

}  // namespace mg::watcher
