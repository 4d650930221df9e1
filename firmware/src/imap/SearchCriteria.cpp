#include "imap/SearchCriteria.h"

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

SearchCriteria& SearchCriteria::key(std::string_view searchKey) {
  command_.raw(searchKey);
  return *this;
}

}  // namespace mg::imap
