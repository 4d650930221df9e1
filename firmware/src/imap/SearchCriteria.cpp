#include "imap/SearchCriteria.h"

#include "imap/InternalDate.h"

namespace mg::imap {

SearchCriteria& SearchCriteria::uids(const UidSet& set) {
  command_.raw("UID").raw(set.empty() ? "0" : set.toString());
  return *this;
}

SearchCriteria& SearchCriteria::keyword(std::string_view flag) {
  command_.raw("KEYWORD").astring(flag);
  return *this;
}

SearchCriteria& SearchCriteria::unkeyword(std::string_view flag) {
  command_.raw("UNKEYWORD").astring(flag);
  return *this;
}

SearchCriteria& SearchCriteria::header(std::string_view name, std::string_view value) {
  command_.raw("HEADER").astring(name).string(value);
  return *this;
}

SearchCriteria& SearchCriteria::deleted(bool yes) { return key(yes ? "DELETED" : "UNDELETED"); }

SearchCriteria& SearchCriteria::since(int64_t unixSeconds) {
  // RFC 3501 date: "1-Dec-2026"; formatInternalDate gives "01-Dec-2026 10:00:00 +0000".
  const std::string dateTime = formatInternalDate(unixSeconds < 0 ? 0 : unixSeconds);
  std::string date = dateTime.substr(0, dateTime.find(' '));
  if (!date.empty() && date[0] == '0') date.erase(0, 1);
  return key("SINCE " + date);
}

SearchCriteria& SearchCriteria::key(std::string_view searchKey) {
  command_.raw(searchKey);
  return *this;
}

}  // namespace mg::imap
