#include "imap/Decoders.h"

#include <cctype>

#include "common/Text.h"
#include "imap/InternalDate.h"
#include "imap/UidSet.h"

namespace mg::imap::decode {

namespace {

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

common::Result<std::vector<Namespace>> namespaceList(const Value& v) {
  std::vector<Namespace> out;
  if (v.isNil()) return out;
  if (!v.isList()) return common::Result<std::vector<Namespace>>::error("NAMESPACE: expected a list or NIL");
  for (const auto& entry : v.items) {
    if (!entry.isList() || entry.items.size() < 2 || !entry.items[0].asString()) {
      return common::Result<std::vector<Namespace>>::error("NAMESPACE: malformed entry " + common::sanitize(entry.debugString()));
    }
    Namespace ns;
    ns.prefix = *entry.items[0].asString();
    ns.delimiter = entry.items[1].asString().value_or("");
    out.push_back(std::move(ns));
  }
  return out;
}

}  // namespace

std::set<std::string> capabilities(const std::vector<Value>& atoms) {
  std::set<std::string> out;
  for (const auto& a : atoms) {
    if (const auto s = a.asString()) out.insert(upper(*s));
  }
  return out;
}

common::Result<Namespaces> namespaces(const Response& r) {
  if (r.data.size() < 3) return common::Result<Namespaces>::error("NAMESPACE: expected three namespace lists");
  Namespaces ns;
  auto personal = namespaceList(r.data[0]);
  auto other = namespaceList(r.data[1]);
  auto shared = namespaceList(r.data[2]);
  if (!personal) return personal.status();
  if (!other) return other.status();
  if (!shared) return shared.status();
  ns.personal = std::move(personal).value();
  ns.otherUsers = std::move(other).value();
  ns.shared = std::move(shared).value();
  return ns;
}

common::Result<MailboxInfo> listEntry(const Response& r) {
  if (r.data.size() < 3 || !r.data[0].isList() || !r.data[2].asString()) {
    return common::Result<MailboxInfo>::error("LIST: malformed response " + common::sanitize(r.debugString()));
  }
  MailboxInfo info;
  for (const auto& a : r.data[0].items) {
    if (const auto s = a.asString()) info.attributes.push_back(*s);
  }
  info.delimiter = r.data[1].asString().value_or("");
  info.name = *r.data[2].asString();
  // "inbox" in any case is INBOX (RFC 3501 §5.1).
  if (common::iequals(info.name, "INBOX")) info.name = "INBOX";
  return info;
}

common::Result<FetchedMessage> fetch(const Response& r) {
  if (!r.number || r.data.size() != 1 || !r.data[0].isList() || r.data[0].items.size() % 2 != 0) {
    return common::Result<FetchedMessage>::error("FETCH: malformed response " + common::sanitize(r.debugString()));
  }
  FetchedMessage m;
  m.sequence = *r.number;
  const auto& items = r.data[0].items;
  for (std::size_t i = 0; i + 1 < items.size(); i += 2) {
    const std::string key = upper(items[i].text);
    const Value& v = items[i + 1];
    if (key == "UID") {
      m.uid = v.asUint32().value_or(0);
    } else if (key == "FLAGS") {
      m.flags = flagList(v);
    } else if (key == "INTERNALDATE") {
      m.internalDate = v.asString().value_or("");
      m.internalTime = parseInternalDate(m.internalDate);
    } else if (key == "RFC822.SIZE") {
      m.size = v.isNumber() ? v.number : 0;
    } else if (key == "BODY[HEADER]" || key == "RFC822.HEADER") {
      m.header = v.asString().value_or("");
    } else if (key == "BODY[]" || key == "RFC822") {
      m.body = v.asString().value_or("");
    }
  }
  return m;
}

std::vector<uint32_t> search(const Response& r) {
  std::vector<uint32_t> out;
  for (const auto& v : r.data) {
    if (const auto n = v.asUint32()) out.push_back(*n);
  }
  return out;
}

std::map<std::string, std::string> id(const Response& r) {
  std::map<std::string, std::string> out;
  if (r.data.empty() || !r.data[0].isList()) return out;
  const auto& items = r.data[0].items;
  for (std::size_t i = 0; i + 1 < items.size(); i += 2) {
    if (const auto k = items[i].asString()) out[*k] = items[i + 1].asString().value_or("");
  }
  return out;
}

std::optional<CopyResult> copyUid(const ResponseCode& code) {
  if (code.name != "COPYUID" || code.args.size() != 3) return std::nullopt;
  const auto validity = code.args[0].asUint32();
  const auto src = code.args[1].asString();
  const auto dst = code.args[2].asString();
  if (!validity || !src || !dst) return std::nullopt;
  const auto from = UidSet::expand(*src);
  const auto to = UidSet::expand(*dst);
  if (!from || !to || from->size() != to->size()) return std::nullopt;
  CopyResult out;
  out.uidValidity = *validity;
  for (std::size_t i = 0; i < from->size(); ++i) out.uids.emplace_back((*from)[i], (*to)[i]);
  return out;
}

std::optional<AppendResult> appendUid(const ResponseCode& code) {
  if (code.name != "APPENDUID" || code.args.size() != 2) return std::nullopt;
  const auto validity = code.args[0].asUint32();
  const auto uid = code.args[1].asUint32();
  if (!validity || !uid) return std::nullopt;
  return AppendResult{*validity, *uid};
}

std::vector<std::string> flagList(const Value& list) {
  std::vector<std::string> out;
  for (const auto& f : list.items) {
    if (const auto s = f.asString()) out.push_back(*s);
  }
  return out;
}

void applyToMailbox(const Response& r, MailboxState& state) {
  if (r.kind != Response::Kind::Untagged) return;
  if (r.number && r.name == "EXISTS") state.exists = *r.number;
  if (r.number && r.name == "RECENT") state.recent = *r.number;
  if (r.number && r.name == "EXPUNGE" && state.exists > 0) --state.exists;
  if (r.name == "FLAGS" && !r.data.empty()) state.flags = flagList(r.data[0]);
  if (r.name == "OK" && r.code) {
    const auto& c = *r.code;
    // A plain number and a flag rather than an optional: GCC 12's optimiser (aarch64, -O2)
    // reports a false maybe-uninitialized on an optional<uint32_t> built in a conditional.
    uint32_t n = 0;
    bool haveNumber = false;
    if (!c.args.empty()) {
      if (const auto v = c.args[0].asUint32(); v.has_value()) {
        n = v.value_or(0);
        haveNumber = true;
      }
    }
    if (c.name == "UIDVALIDITY" && haveNumber) state.uidValidity = n;
    if (c.name == "UIDNEXT" && haveNumber) state.uidNext = n;
    if (c.name == "PERMANENTFLAGS" && !c.args.empty()) state.permanentFlags = flagList(c.args[0]);
  }
}

}  // namespace mg::imap::decode
