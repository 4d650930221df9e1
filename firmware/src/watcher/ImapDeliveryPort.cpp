#include "watcher/ImapDeliveryPort.h"

#include <algorithm>

#include "common/Log.h"
#include "common/Text.h"
#include "watcher/MessageIdentity.h"
#include "watcher/QuarantineFolder.h"

namespace mg::watcher {

namespace {

Poco::Logger& log() { return common::logger("watcher"); }


HeldIdentity identityOf(const quarantine::DeliveryRequest& r) { return {r.messageId, r.originalSize, r.contentHash}; }

// The original's UID in the selected Quarantine folder, or 0 when it is not there: the UID
// recorded at the move (under the same UIDVALIDITY), else a message proven by its bytes.
common::Result<uint32_t> findOriginal(imap::ImapClient& client, const quarantine::DeliveryRequest& r) {
  const auto& state = client.selected();
  if (r.imapUid > 0 && state && r.imapUidValidity == state->uidValidity) {
    auto hit = client.uidSearch(imap::SearchCriteria().uids(imap::UidSet::single(uint32_t(r.imapUid))).deleted(false));
    if (!hit) return hit.status();
    if (!hit->empty()) return hit->front();
  }
  return findByContent(client, identityOf(r));
}

// Still in INBOX under the UID it was taken from (a crash before the move, a server that
// left it there): 0 otherwise. Selects INBOX.
common::Result<uint32_t> findInInbox(imap::ImapClient& client, const quarantine::DeliveryRequest& r) {
  auto inbox = client.select("INBOX");
  if (!inbox) return inbox.status();
  if (r.imapOriginUid <= 0 || r.imapOriginUidValidity != inbox->uidValidity) return uint32_t{0};
  auto hit = client.uidSearch(imap::SearchCriteria().uids(imap::UidSet::single(uint32_t(r.imapOriginUid))).deleted(false));
  if (!hit) return hit.status();
  return hit->empty() ? uint32_t{0} : hit->front();
}

// Removes `uid` from the selected mailbox: UID EXPUNGE with UIDPLUS; without it \Deleted, and
// EXPUNGE only when no other message there is \Deleted (a plain EXPUNGE removes all of them).
// Otherwise it stays flagged (hidden by mail clients) and `waiting` says so.
common::Status removeSafely(imap::ImapClient& client, uint32_t uid, bool& waiting) {
  waiting = false;
  if (auto st = client.uidStore(imap::UidSet::single(uid), imap::StoreMode::Add, {"\\Deleted"}); !st) return st;
  if (client.hasCapability("UIDPLUS")) return client.uidExpunge(imap::UidSet::single(uid));
  auto deleted = client.uidSearch(imap::SearchCriteria().deleted(true));
  if (!deleted) return deleted.status();
  for (uint32_t u : deleted.value()) {
    if (u != uid) {
      waiting = true;
      return common::Status::success();
    }
  }
  return client.expunge();
}

// A retry after a removal that was cut between STORE \Deleted and EXPUNGE (the server went
// away): the original is still in the Quarantine folder, flagged, under its recorded UID.
template <typename Remove>
common::Status finishCutRemoval(imap::ImapClient& client, const std::string& folder,
                                const quarantine::DeliveryRequest& r, Remove& remove) {
  if (r.imapUid <= 0) return common::Status::success();
  auto selected = client.select(folder);
  if (!selected) return selected.status();
  if (selected->uidValidity != r.imapUidValidity) return common::Status::success();
  auto left = client.uidSearch(imap::SearchCriteria().uids(imap::UidSet::single(uint32_t(r.imapUid))).deleted(true));
  if (!left) return left.status();
  return left->empty() ? common::Status::success() : remove(left->front());
}

// Removes from INBOX the copies mailgate appended for this message (its header and keyword:
// mail that only carries a forged header is never touched), except the one of `keepVersion`
// (0: all of them). Selects INBOX.
template <typename Remove>
common::Status removeAppendedCopies(imap::ImapClient& client, int64_t emailId, int keepVersion, Remove& remove) {
  auto inbox = client.select("INBOX");
  if (!inbox) return inbox.status();
  auto all = client.uidSearch(
      imap::SearchCriteria().header(kReleaseHeader, releaseTagPrefix(emailId)).keyword(kReleasedKeyword).deleted(false));
  if (!all) return all.status();
  if (all->empty()) return common::Status::success();
  std::vector<uint32_t> keep;
  if (keepVersion > 0) {
    auto kept = client.uidSearch(imap::SearchCriteria()
                                     .header(kReleaseHeader, releaseTag(emailId, keepVersion))
                                     .keyword(kReleasedKeyword)
                                     .deleted(false));
    if (!kept) return kept.status();
    keep = kept.value();
  }
  for (uint32_t u : all.value()) {
    if (std::find(keep.begin(), keep.end(), u) != keep.end()) continue;
    if (auto st = remove(u); !st) return st;
  }
  return common::Status::success();
}

// The copy mailgate appends: its own header first, so that a retry recognises it.
std::string taggedCopy(const quarantine::DeliveryRequest& r) {
  return std::string(kReleaseHeader) + ": " + releaseTag(r.emailId, r.version) + "\r\n" + std::string(r.raw);
}

}  // namespace

quarantine::DeliveryOutcome ImapDeliveryPort::deliver(const quarantine::DeliveryRequest& request) {
  return run(request, true);
}

quarantine::DeliveryOutcome ImapDeliveryPort::discard(const quarantine::DeliveryRequest& request) {
  return run(request, false);
}

quarantine::DeliveryOutcome ImapDeliveryPort::run(const quarantine::DeliveryRequest& r, bool release) {
  quarantine::DeliveryOutcome out;
  const auto account = source_.accountFor(r.accountId);
  auto pool = source_.poolFor(r.accountId);
  if (!account || !pool) {
    out.permanent = true;
    out.reason = "IMAP account " + std::to_string(r.accountId) + " no longer exists";
    return out;
  }
  out.upstream = "imap:" + account->name;
  const std::string who = "IMAP account " + account->name + ": ";
  auto lease = pool->acquire();
  if (!lease) {
    out.reason = who + lease.errorMessage();
    return out;
  }
  imap::ImapClient& client = lease->client();
  auto failed = [&](const std::string& what) {
    if (!client.connected()) lease->discard();
    out.delivered = false;
    out.reason = who + what;
    return out;
  };

  auto folder = QuarantineFolder::locate(client, account->quarantineFolder, false);
  if (!folder) return failed(folder.errorMessage());
  if (!folder->existed) {
    out.delivered = false;
    out.reason = who + "the quarantine folder \"" + common::sanitize(folder->name) +
                 "\" no longer exists on the server (deleted by another mail client?). Recreate it "
                 "(the watcher does so when it reconnects) and try again; the gate still has the message.";
    return out;
  }
  auto selected = client.select(folder->name);
  if (!selected) return failed(selected.errorMessage());
  auto original = findOriginal(client, r);
  if (!original) return failed(original.errorMessage());
  const uint32_t uid = original.value();
  const std::string keyword = kReleasedKeyword;
  std::string leftFlagged;  // where a removal had to leave a message \Deleted, not expunged
  auto remove = [&](uint32_t u) -> common::Status {
    bool waiting = false;
    auto st = removeSafely(client, u, waiting);
    if (st && waiting) leftFlagged = client.selected() ? client.selected()->name : "the mailbox";
    return st;
  };
  auto noteFlagged = [&] {
    if (leftFlagged.empty()) return;
    common::logEvent(log(), Poco::Message::PRIO_WARNING, {"expunge_waits", r.emailId, account->name},
                     "left flagged \\Deleted in " + common::sanitize(leftFlagged) +
                         ": the server has no UIDPLUS and other messages there are \\Deleted too");
  };

  if (uid == 0) {
    // Not in the Quarantine folder: maybe never moved out of INBOX (a crash between recording
    // and moving). Its INBOX UID under the same UIDVALIDITY proves it is the held one.
    auto inInbox = findInInbox(client, r);
    if (!inInbox) return failed(inInbox.errorMessage());
    if (inInbox.value() != 0) {
      const uint32_t at = inInbox.value();
      if (!release) {
        if (auto st = remove(at); !st) return failed(st.message());
        noteFlagged();
        out.delivered = true;
        common::logEvent(log(), Poco::Message::PRIO_INFORMATION, {"discard", r.emailId, account->name},
                         "removed from INBOX (it had not been moved yet)");
        return out;
      }
      if (!r.edited) {
        if (auto st = client.uidStore(imap::UidSet::single(at), imap::StoreMode::Add, {keyword}); !st) {
          return failed(st.message());
        }
        out.delivered = true;
        out.reason = "left in INBOX (it had not been moved yet)";
        return out;
      }
      // Edited: the new version replaces the one still in INBOX (below, after the append).
    }
    if (!release) {
      if (auto st = removeAppendedCopies(client, r.emailId, 0, remove); !st) return failed(st.message());
      out.delivered = true;
      common::logEvent(log(), Poco::Message::PRIO_INFORMATION, {"discard", r.emailId, account->name},
                       "not on the server any more");
      return out;
    }
  }

  if (!release) {
    if (auto st = remove(uid); !st) return failed(st.message());
    // A release that failed after appending its edited version left that copy in INBOX.
    if (auto st = removeAppendedCopies(client, r.emailId, 0, remove); !st) return failed(st.message());
    noteFlagged();
    out.delivered = true;
    common::logEvent(log(), Poco::Message::PRIO_INFORMATION, {"discard", r.emailId, account->name},
                     "removed from " + common::sanitize(folder->name));
    return out;
  }

  if (!r.edited && uid != 0) {  // the Quarantine folder is still selected
    if (auto st = client.uidStore(imap::UidSet::single(uid), imap::StoreMode::Add, {keyword}); !st) return failed(st.message());
    if (client.canMove()) {
      auto moved = client.uidMove(imap::UidSet::single(uid), "INBOX");
      if (!moved) return failed(moved.errorMessage());
    } else {
      // Neither MOVE nor UIDPLUS: a copy into INBOX, then the original removed safely.
      auto copied = client.uidCopy(imap::UidSet::single(uid), "INBOX");
      if (!copied) return failed(copied.errorMessage());
      if (auto st = remove(uid); !st) {
        common::logEvent(log(), Poco::Message::PRIO_WARNING, {"release", r.emailId, account->name},
                         "copied back, but the original is still in " + common::sanitize(folder->name) + ": " + st.message());
      }
      noteFlagged();
    }
    out.delivered = true;
    out.reason = "moved back to INBOX";
    return out;
  }

  // The edited version, or an original the server lost: the gate's copy goes into INBOX once,
  // marked with mailgate's own header so that a retry finds it (with or without a Message-ID).
  auto inbox = client.select("INBOX");
  if (!inbox) return failed(inbox.errorMessage());
  // The header and the keyword: anyone can send mail with that header, but only a client of
  // this mailbox (mailgate) can set the keyword, so a forged copy never passes for ours.
  auto hit = client.uidSearch(
      imap::SearchCriteria().header(kReleaseHeader, releaseTag(r.emailId, r.version)).keyword(keyword).deleted(false));
  if (!hit) return failed(hit.errorMessage());
  const bool present = !hit->empty();
  if (!present) {
    auto appended = client.append("INBOX", taggedCopy(r), {keyword}, std::nullopt);
    if (!appended) return failed(appended.errorMessage());
  }
  // A copy of an earlier version (its release failed after the APPEND, then it was edited)
  // goes: only the version released now stays in INBOX.
  if (auto st = removeAppendedCopies(client, r.emailId, r.version, remove); !st) return failed(st.message());
  // The original goes once the new version is safely in INBOX: from the Quarantine folder, or
  // from INBOX where it was never moved out of.
  common::Status st = common::Status::success();
  if (uid != 0) {
    auto back = client.select(folder->name);
    st = back ? remove(uid) : back.status();
  } else if (auto inInbox = findInInbox(client, r); !inInbox) {
    st = inInbox.status();
  } else if (inInbox.value() != 0) {
    st = remove(inInbox.value());
  } else {
    st = finishCutRemoval(client, folder->name, r, remove);
  }
  if (!st) {
    // Not released until the original is gone, or the mailbox would keep two copies for ever:
    // the next attempt finds the new version by its header (no second APPEND) and removes
    // the original then.
    return failed("the new version is in INBOX, but the original could not be removed yet (done when the release "
                  "is tried again): " + st.message());
  }
  noteFlagged();
  out.delivered = true;
  out.reason = present ? "already in INBOX" : "appended to INBOX";
  return out;
}

}  // namespace mg::watcher
