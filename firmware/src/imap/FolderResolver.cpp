#include "imap/FolderResolver.h"

#include "common/Text.h"

namespace mg::imap {

namespace {

bool sameName(const std::string& a, const std::string& b) {
  // INBOX and its children are case-insensitive in the first level only (RFC 3501 §5.1).
  if (a == b) return true;
  if (a.size() != b.size() || a.size() < 5 || !common::iequals(a.substr(0, 5), "INBOX")) return false;
  return common::iequals(a, "INBOX") || a.substr(5) == b.substr(5);
}

}  // namespace

FolderLayout FolderResolver::layout(const Namespaces* namespaces, const std::vector<MailboxInfo>& inboxList) {
  FolderLayout out;
  if (namespaces && !namespaces->personal.empty()) {
    out.prefix = namespaces->personal.front().prefix;
    out.delimiter = namespaces->personal.front().delimiter;
    return out;
  }
  for (const auto& m : inboxList) {
    if (!m.delimiter.empty()) {
      out.delimiter = m.delimiter;
      break;
    }
  }
  return out;
}

common::Result<std::string> FolderResolver::resolve(const FolderLayout& layout, const std::string& configured) {
  const std::string name(common::trim(configured));
  if (name.empty()) return common::Result<std::string>::error("folder name is empty");
  if (common::iequals(name, "INBOX")) return std::string("INBOX");
  if (!layout.prefix.empty() && name.size() > layout.prefix.size() &&
      sameName(name.substr(0, layout.prefix.size()), layout.prefix)) {
    return layout.prefix + name.substr(layout.prefix.size());  // already a full name
  }
  const auto levels = common::split(name, '/');
  std::string joined;
  for (const auto& level : levels) {
    if (level.empty()) return common::Result<std::string>::error("folder \"" + name + "\" has an empty level");
    if (!layout.delimiter.empty() && layout.delimiter != "/" && level.find(layout.delimiter) != std::string::npos) {
      return common::Result<std::string>::error("folder \"" + name + "\": \"" + level + "\" contains the server's hierarchy delimiter \"" +
                                                layout.delimiter + "\"");
    }
    if (!joined.empty()) {
      if (layout.delimiter.empty()) {
        return common::Result<std::string>::error("folder \"" + name + "\": the server has no folder hierarchy");
      }
      joined += layout.delimiter;
    }
    joined += level;
  }
  return layout.prefix + joined;
}

const MailboxInfo* FolderResolver::find(const std::vector<MailboxInfo>& list, const std::string& fullName) {
  for (const auto& m : list) {
    if (sameName(m.name, fullName)) return &m;
  }
  return nullptr;
}

}  // namespace mg::imap
