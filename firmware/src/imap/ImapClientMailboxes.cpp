// ImapClient: namespaces, folders and SELECT/EXAMINE.
#include "common/Text.h"
#include "imap/Decoders.h"
#include "imap/ImapClient.h"

namespace mg::imap {

common::Result<Namespaces> ImapClient::namespaces() {
  if (!hasCapability("NAMESPACE")) return common::Status::error("NAMESPACE: not supported by the server");
  auto reply = execute(Command("NAMESPACE"), "NAMESPACE");
  if (!reply) return reply.status();
  for (const auto& r : reply->untagged) {
    if (r.name == "NAMESPACE") return decode::namespaces(r);
  }
  return common::Status::error("NAMESPACE: the server sent no namespaces");
}

common::Result<std::vector<MailboxInfo>> ImapClient::list(const std::string& reference, const std::string& pattern) {
  Command cmd("LIST");
  cmd.string(reference);
  // The pattern's wildcards (* %) are list-mailbox syntax, not an astring: quote, never atom.
  cmd.string(pattern);
  if (hasCapability("SPECIAL-USE") && hasCapability("LIST-EXTENDED")) cmd.raw("RETURN (SPECIAL-USE)");
  auto reply = execute(cmd, "LIST " + common::sanitize(pattern));
  if (!reply) return reply.status();
  std::vector<MailboxInfo> out;
  for (const auto& r : reply->untagged) {
    if (r.name != "LIST") continue;
    auto entry = decode::listEntry(r);
    if (!entry) return entry.status();
    out.push_back(std::move(entry).value());
  }
  return out;
}

common::Result<FolderLayout> ImapClient::personalLayout() {
  if (hasCapability("NAMESPACE")) {
    auto ns = namespaces();
    if (!ns) return ns.status();
    return FolderResolver::layout(&ns.value(), {});
  }
  // LIST "" "" answers with the hierarchy delimiter of the root (RFC 3501 §6.3.8).
  auto root = list("", "");
  if (!root) return root.status();
  return FolderResolver::layout(nullptr, root.value());
}

common::Status ImapClient::create(const std::string& mailbox) {
  auto reply = execute(Command("CREATE").astring(mailbox), "CREATE " + common::sanitize(mailbox));
  if (reply) return common::Status::success();
  // Two watchers (or an operator) may create it at the same moment: existing is fine.
  if (lastCompletion_ && lastCompletion_->name == "NO" && lastCompletion_->hasCode("ALREADYEXISTS")) {
    return common::Status::success();
  }
  return reply.status();
}

common::Status ImapClient::subscribe(const std::string& mailbox) {
  return execute(Command("SUBSCRIBE").astring(mailbox), "SUBSCRIBE " + common::sanitize(mailbox)).status();
}

common::Result<MailboxState> ImapClient::select(const std::string& mailbox) { return open("SELECT", mailbox); }

common::Result<MailboxState> ImapClient::examine(const std::string& mailbox) { return open("EXAMINE", mailbox); }

common::Result<MailboxState> ImapClient::open(const std::string& verb, const std::string& mailbox) {
  // A SELECT, even a failed one, leaves the previous mailbox (RFC 3501 §6.3.1).
  selected_ = MailboxState();
  selected_->name = mailbox;
  pending_ = Activity();
  auto reply = execute(Command(verb).astring(mailbox), verb + " " + common::sanitize(mailbox));
  if (!reply) {
    selected_.reset();
    return reply.status();
  }
  selected_->readOnly = reply->completion.hasCode("READ-ONLY") || verb == "EXAMINE";
  if (selected_->uidValidity == 0) {
    selected_.reset();
    return common::Status::error(verb + " " + common::sanitize(mailbox) + ": server sent no UIDVALIDITY");
  }
  pending_ = Activity();  // what SELECT reported is the baseline, not activity
  return *selected_;
}

}  // namespace mg::imap
