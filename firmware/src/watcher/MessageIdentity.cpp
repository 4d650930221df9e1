#include "watcher/MessageIdentity.h"

#include "common/Text.h"
#include "imap/SearchCriteria.h"

namespace mg::watcher {

common::Result<uint32_t> findByContent(imap::ImapClient& client, const HeldIdentity& held) {
  if (held.contentHash.empty()) return uint32_t{0};  // nothing to prove it with
  imap::SearchCriteria criteria;
  if (!held.messageId.empty()) {
    criteria.header("Message-ID", "<" + held.messageId + ">");
  } else {
    // RFC 3501: LARGER n is "more than n octets": together exactly `size`.
    criteria.key("LARGER " + std::to_string(held.size - 1)).key("SMALLER " + std::to_string(held.size + 1));
  }
  auto candidates = client.uidSearch(criteria.deleted(false));
  if (!candidates) return candidates.status().withContext("looking for the held message");
  size_t checked = 0;
  // Newest first: a copy made by the gate's own move is the latest one with those bytes.
  for (auto it = candidates->rbegin(); it != candidates->rend() && checked < kMaxIdentityCandidates; ++it, ++checked) {
    // One at a time: at most one message's bytes in memory.
    auto fetched = client.uidFetch(imap::UidSet::single(*it), imap::kFetchBody);
    if (!fetched) return fetched.status().withContext("reading a candidate for the held message");
    for (const auto& m : fetched.value()) {
      if (m.uid == *it && m.body && common::sha256Hex(*m.body) == held.contentHash) return m.uid;
    }
  }
  return uint32_t{0};
}

std::string releaseTag(int64_t emailId, int version) {
  return releaseTagPrefix(emailId) + std::to_string(version) + "@mailgate>";
}

std::string releaseTagPrefix(int64_t emailId) { return "<" + std::to_string(emailId) + "."; }

}  // namespace mg::watcher
