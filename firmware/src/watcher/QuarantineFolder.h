#pragma once
// Where an account's Quarantine folder is on its server: the configured name placed under the
// personal namespace with the server's delimiter (imap::FolderResolver), never guessed.
#include <string>

#include "common/Status.h"
#include "imap/ImapClient.h"

namespace mg::watcher {

struct QuarantineFolder {
  std::string name;   // full server name: "Quarantine", "INBOX.Quarantine", "INBOX/Quarantine"
  bool existed = false;
  bool created = false;

  // NAMESPACE (or LIST "" "") → full name → LIST it; CREATE + SUBSCRIBE when missing and
  // `createIfMissing`. Errors say which step failed, in the server's words.
  static common::Result<QuarantineFolder> locate(imap::ImapClient& client, const std::string& configured,
                                                 bool createIfMissing);
};

// The keyword every message the gate puts back into INBOX carries, so that it is never taken again.
inline constexpr const char* kReleasedKeyword = "$MailgateReleased";

}  // namespace mg::watcher
