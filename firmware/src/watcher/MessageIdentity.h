#pragma once
// Which message on the server is the one the gate holds. A UID under the UIDVALIDITY it was
// recorded with is proof; where it is not known (a move whose COPYUID was lost, a server
// without UIDPLUS, a rebuilt folder) a message is the held one only if its bytes are: same
// SHA-256 as the spooled original. Message-IDs are not unique (list copies, Cc to oneself),
// so they only narrow the search. What mailgate appends itself carries its own header,
// X-Mailgate-Release, so a retry finds its earlier append even without a Message-ID.
#include <cstdint>
#include <string>

#include "common/Status.h"
#include "imap/ImapClient.h"

namespace mg::watcher {

struct HeldIdentity {
  std::string messageId;    // without brackets; "" when the message has none
  int64_t size = 0;         // bytes of the original
  std::string contentHash;  // SHA-256 hex of the original's bytes
};

// At most this many candidates are fetched and hashed per search (bounded work).
inline constexpr size_t kMaxIdentityCandidates = 20;

// In the selected mailbox, not \Deleted: the UID of the message with exactly the held bytes,
// among those with its Message-ID (or, without one, its exact size). 0 when there is none.
common::Result<uint32_t> findByContent(imap::ImapClient& client, const HeldIdentity& held);

// The header mailgate adds to a copy it appends: "<email id.version@mailgate>". The angle
// brackets matter: IMAP SEARCH HEADER matches substrings, and without them the tag of message
// 2 would find message 12's copy. releaseTagPrefix ("<email id.") finds every version's copy.
inline constexpr const char* kReleaseHeader = "X-Mailgate-Release";
std::string releaseTag(int64_t emailId, int version);
std::string releaseTagPrefix(int64_t emailId);

}  // namespace mg::watcher
