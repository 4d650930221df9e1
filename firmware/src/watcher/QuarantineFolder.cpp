#include "watcher/QuarantineFolder.h"

#include "common/Text.h"
#include "imap/FolderResolver.h"

namespace mg::watcher {

common::Result<QuarantineFolder> QuarantineFolder::locate(imap::ImapClient& client, const std::string& configured,
                                                          bool createIfMissing) {
  auto layout = client.personalLayout();
  if (!layout) return layout.status().withContext("finding the personal namespace");
  auto name = imap::FolderResolver::resolve(layout.value(), configured);
  if (!name) return name.status().withContext("quarantine folder");
  QuarantineFolder out;
  out.name = name.value();
  auto listed = client.list("", out.name);
  if (!listed) return listed.status().withContext("looking for " + common::sanitize(out.name));
  const imap::MailboxInfo* info = imap::FolderResolver::find(listed.value(), out.name);
  out.existed = info && info->selectable();
  if (out.existed || !createIfMissing) return out;
  if (auto st = client.create(out.name); !st) return st.withContext("creating the quarantine folder");
  (void)client.subscribe(out.name);  // only for other clients' folder lists; not fatal
  out.created = true;
  return out;
}

}  // namespace mg::watcher
