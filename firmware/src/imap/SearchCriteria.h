#pragma once
// UID SEARCH criteria built from parts so that header values (Message-IDs from mail) are
// quoted or sent as literals, never pasted into the command line.
#include <cstdint>
#include <string>
#include <string_view>

#include "imap/Command.h"
#include "imap/UidSet.h"

namespace mg::imap {

class SearchCriteria {
 public:
  SearchCriteria& all() { return key("ALL"); }
  SearchCriteria& uids(const UidSet& set);                  // UID 12:*
  SearchCriteria& keyword(std::string_view flag);           // KEYWORD $MailgateReleased
  SearchCriteria& unkeyword(std::string_view flag);         // UNKEYWORD $MailgateReleased
  SearchCriteria& header(std::string_view name, std::string_view value);  // HEADER Message-ID "<x@y>"
  SearchCriteria& deleted(bool yes);                        // DELETED / UNDELETED
  SearchCriteria& since(int64_t unixSeconds);               // SINCE 1-Dec-2026 (the UTC day)
  SearchCriteria& key(std::string_view searchKey);          // any other key, as protocol text

  bool empty() const { return command_.segments().empty(); }
  const Command& command() const { return command_; }

 private:
  Command command_;
};

}  // namespace mg::imap
