#pragma once
// Pure decoders from parsed responses to results: unit-testable without a server.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/Status.h"
#include "imap/ImapTypes.h"
#include "imap/Response.h"

namespace mg::imap::decode {

// Upper-cased capability atoms from "* CAPABILITY …" data or a [CAPABILITY …] code.
std::set<std::string> capabilities(const std::vector<Value>& atoms);
common::Result<Namespaces> namespaces(const Response& r);
common::Result<MailboxInfo> listEntry(const Response& r);
common::Result<FetchedMessage> fetch(const Response& r);
// "* SEARCH 1 2 3" (and "* SEARCH 1 2 (MODSEQ 9)").
std::vector<uint32_t> search(const Response& r);
// "* ID ("name" "Dovecot" …)" or NIL.
std::map<std::string, std::string> id(const Response& r);
// [COPYUID validity src dst] → pairs; nullopt when absent or malformed.
std::optional<CopyResult> copyUid(const ResponseCode& code);
std::optional<AppendResult> appendUid(const ResponseCode& code);
std::vector<std::string> flagList(const Value& list);
// Applies an untagged response seen after SELECT/EXAMINE to the mailbox state.
void applyToMailbox(const Response& r, MailboxState& state);

}  // namespace mg::imap::decode
