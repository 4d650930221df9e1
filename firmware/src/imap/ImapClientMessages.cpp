// ImapClient: searching, fetching, flagging, moving and appending messages.
#include "common/Text.h"
#include "imap/Decoders.h"
#include "imap/ImapClient.h"
#include "imap/InternalDate.h"

namespace mg::imap {

namespace {

bool hasEightBit(const Command& c) {
  for (const auto& s : c.segments()) {
    for (char ch : s.text) {
      if (static_cast<unsigned char>(ch) >= 0x80) return true;
    }
  }
  return false;
}

}  // namespace

common::Result<std::vector<uint32_t>> ImapClient::uidSearch(const SearchCriteria& criteria) {
  Command cmd("UID SEARCH");
  if (hasEightBit(criteria.command())) cmd.raw("CHARSET UTF-8");  // else the server assumes US-ASCII
  cmd.append(criteria.empty() ? Command("ALL") : criteria.command());
  auto reply = execute(cmd, "UID SEARCH");
  if (!reply) return reply.status();
  std::vector<uint32_t> out;
  for (const auto& r : reply->untagged) {
    if (r.name == "SEARCH") {
      auto uids = decode::search(r);
      out.insert(out.end(), uids.begin(), uids.end());
    }
  }
  return out;
}

common::Result<std::vector<FetchedMessage>> ImapClient::uidFetch(const UidSet& uids, unsigned items) {
  if (uids.empty()) return std::vector<FetchedMessage>();
  std::string what = "(UID";
  if (items & kFetchFlags) what += " FLAGS";
  if (items & kFetchInternalDate) what += " INTERNALDATE";
  if (items & kFetchSize) what += " RFC822.SIZE";
  if (items & kFetchHeader) what += " BODY.PEEK[HEADER]";
  if (items & kFetchBody) what += " BODY.PEEK[]";
  what += ")";
  auto reply = execute(Command("UID FETCH").raw(uids.toString()).raw(what), "UID FETCH " + uids.toString());
  if (!reply) return reply.status();
  std::vector<FetchedMessage> out;
  for (const auto& r : reply->untagged) {
    if (r.name != "FETCH") continue;
    auto m = decode::fetch(r);
    if (!m) return m.status();
    // Unsolicited FETCHes (another client's flag change) carry no UID: not ours.
    if (m->uid != 0) out.push_back(std::move(m).value());
  }
  return out;
}

common::Status ImapClient::uidStore(const UidSet& uids, StoreMode mode, const std::vector<std::string>& flags) {
  for (const auto& f : flags) {
    if (!Command::isFlag(f)) return common::Status::error("UID STORE: \"" + common::sanitize(f) + "\" is not a valid flag");
  }
  const char* op = mode == StoreMode::Add ? "+FLAGS.SILENT" : mode == StoreMode::Remove ? "-FLAGS.SILENT" : "FLAGS.SILENT";
  Command cmd("UID STORE");
  cmd.raw(uids.toString()).raw(op).flagList(flags);
  return execute(cmd, std::string("UID STORE ") + uids.toString() + " " + op).status();
}

common::Result<CopyResult> ImapClient::uidCopy(const UidSet& uids, const std::string& mailbox) {
  auto reply = execute(Command("UID COPY").raw(uids.toString()).astring(mailbox),
                       "UID COPY " + uids.toString() + " to " + common::sanitize(mailbox));
  if (!reply) return reply.status();
  CopyResult out;
  if (reply->completion.code) {
    if (auto c = decode::copyUid(*reply->completion.code)) out = *c;
  }
  out.usedMove = false;
  return out;
}

common::Result<CopyResult> ImapClient::uidMove(const UidSet& uids, const std::string& mailbox) {
  const std::string context = "moving UID " + uids.toString() + " to " + common::sanitize(mailbox);
  if (options_.useMove && hasCapability("MOVE")) {
    auto reply = execute(Command("UID MOVE").raw(uids.toString()).astring(mailbox), "UID MOVE " + uids.toString() + " to " + common::sanitize(mailbox));
    if (!reply) return reply.status();
    CopyResult out;
    // RFC 6851 §4.3: COPYUID comes in an untagged OK before the EXPUNGEs (some servers tag it).
    for (const auto& r : reply->untagged) {
      if (r.name == "OK" && r.code) {
        if (auto c = decode::copyUid(*r.code)) out = *c;
      }
    }
    if (out.uids.empty() && reply->completion.code) {
      if (auto c = decode::copyUid(*reply->completion.code)) out = *c;
    }
    out.usedMove = true;
    return out;
  }
  // Without UID EXPUNGE a plain EXPUNGE would also remove what others marked \Deleted.
  if (!hasCapability("UIDPLUS")) {
    return common::Status::error(context + ": the server offers neither MOVE nor UIDPLUS; refusing to EXPUNGE");
  }
  auto copied = uidCopy(uids, mailbox);
  if (!copied) return copied;
  if (auto s = uidStore(uids, StoreMode::Add, {"\\Deleted"}); !s) return s.withContext(context + " (copied)");
  if (auto s = uidExpunge(uids); !s) return s.withContext(context + " (copied)");
  return copied;
}

common::Status ImapClient::expunge() { return execute(Command("EXPUNGE"), "EXPUNGE").status(); }

common::Status ImapClient::uidExpunge(const UidSet& uids) {
  if (!hasCapability("UIDPLUS")) return common::Status::error("UID EXPUNGE: the server has no UIDPLUS");
  return execute(Command("UID EXPUNGE").raw(uids.toString()), "UID EXPUNGE " + uids.toString()).status();
}

common::Result<AppendResult> ImapClient::append(const std::string& mailbox, std::string_view message,
                                                const std::vector<std::string>& flags, std::optional<int64_t> internalDate) {
  Command cmd("APPEND");
  cmd.astring(mailbox);
  if (!flags.empty()) cmd.flagList(flags);
  if (internalDate) cmd.string(formatInternalDate(*internalDate));
  cmd.literal(message);
  auto reply = execute(cmd, "APPEND to " + common::sanitize(mailbox));
  if (!reply) return reply.status();
  if (reply->completion.code) {
    if (auto a = decode::appendUid(*reply->completion.code)) return *a;
  }
  return AppendResult{};
}

}  // namespace mg::imap
