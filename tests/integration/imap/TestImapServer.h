#pragma once
// What the watcher tests need of an IMAP server they start: where it listens, how to reach it,
// what a folder is called there, and another client's APPEND. Dovecot and Courier implement it.
#include <cstdint>
#include <string>
#include <vector>

#include "common/Status.h"
#include "imap/ClientOptions.h"
#include "imap/ImapTypes.h"

namespace mg::imap::test {

class TestImapServer {
 public:
  virtual ~TestImapServer() = default;
  virtual const std::string& host() const = 0;
  virtual uint16_t port() const = 0;
  // Plain text on host():port(), 5 s timeout; adjust as needed.
  ClientOptions clientOptions() const;
  // The full name of a top-level folder in the server's namespace ("Quarantine" or
  // "INBOX.Quarantine").
  virtual std::string folder(const std::string& name) const = 0;
  // Another client's APPEND, on a connection of its own (log in, append, log out).
  common::Result<AppendResult> appendAs(const std::string& user, const std::string& password,
                                        const std::string& mailbox, const std::string& message,
                                        const std::vector<std::string>& flags = {}) const;
};

}  // namespace mg::imap::test
