#pragma once
// Where a configured folder ("Quarantine", or a path "Mailgate/Quarantine") lives on a given
// server: under the personal namespace's prefix, levels joined by the server's delimiter.
// Computed from what the server says (NAMESPACE, LIST), never guessed from spellings.
#include <string>
#include <vector>

#include "common/Status.h"
#include "imap/ImapTypes.h"

namespace mg::imap {

struct FolderLayout {
  std::string prefix;     // "" or "INBOX." / "INBOX/"
  std::string delimiter;  // "/" or "."; empty for a flat namespace
};

class FolderResolver {
 public:
  // The personal namespace (the first one: RFC 2342 §5 says it is the default). Without a
  // NAMESPACE answer, `inboxList` (LIST "" "INBOX" or LIST "" "") supplies the delimiter.
  static FolderLayout layout(const Namespaces* namespaces, const std::vector<MailboxInfo>& inboxList);

  // `configured` uses '/' between levels. A name that already starts with the prefix, or is
  // INBOX, is taken as a full name. Fails when a level contains the server's delimiter or
  // the namespace is flat but a path was asked for.
  static common::Result<std::string> resolve(const FolderLayout& layout, const std::string& configured);

  // The LIST entry of `fullName` (INBOX compared case-insensitively), or nullptr.
  static const MailboxInfo* find(const std::vector<MailboxInfo>& list, const std::string& fullName);
};

}  // namespace mg::imap
