#include "imap/ImapTypes.h"

#include "common/Text.h"

namespace mg::imap {

bool MailboxInfo::hasAttribute(std::string_view attribute) const {
  for (const auto& a : attributes) {
    if (common::iequals(a, attribute)) return true;
  }
  return false;
}

std::string MailboxInfo::specialUse() const {
  static const char* const kRoles[] = {"\\All", "\\Archive", "\\Drafts", "\\Flagged", "\\Junk", "\\Sent", "\\Trash"};
  for (const char* role : kRoles) {
    if (hasAttribute(role)) return role;
  }
  return "";
}

bool FetchedMessage::hasFlag(std::string_view flag) const {
  for (const auto& f : flags) {
    if (common::iequals(f, flag)) return true;
  }
  return false;
}

}  // namespace mg::imap
