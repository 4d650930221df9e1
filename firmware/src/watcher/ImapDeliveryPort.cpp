#include "watcher/ImapDeliveryPort.h"

#include "common/Log.h"
#include "common/Text.h"
#include "watcher/QuarantineFolder.h"

namespace mg::watcher {

namespace {

Poco::Logger& log() { return common::logger("watcher"); }


// The original's UID in the selected Quarantine folder, or 0 when it is not there.
common::Result<uint32_t> findOriginal(imap::ImapClient& client, const quarantine::DeliveryRequest& r) {
  const auto& state = client.selected();
  if (r.imapUid > 0 && state && r.imapUidValidity == state->uidValidity) {
    auto hit = client.uidSearch(imap::SearchCriteria().uids(imap::UidSet::single(uint32_t(r.imapUid))).deleted(false));
    if (!hit) return hit.status();
    if (!hit->empty()) return hit->front();
  }
  if (r.messageId.empty()) return uint32_t{0};
  auto hit = client.uidSearch(imap::SearchCriteria().header("Message-ID", "<" + r.messageId + ">").deleted(false));
  if (!hit) return hit.status();
  return hit->empty() ? uint32_t{0} : hit->back();
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

  if (!release) {
    if (uid != 0) {
      if (auto st = client.uidStore(imap::UidSet::single(uid), imap::StoreMode::Add, {"\\Deleted"}); !st) return failed(st.message());
      if (auto st = client.uidExpunge(imap::UidSet::single(uid)); !st) return failed(st.message());
    }
    out.delivered = true;
    common::logEvent(log(), Poco::Message::PRIO_INFORMATION, {"discard", r.emailId, account->name},
                     uid ? "removed from " + common::sanitize(folder->name) : "not on the server any more");
    return out;
  }

  if (!r.edited && uid != 0) {
    if (auto st = client.uidStore(imap::UidSet::single(uid), imap::StoreMode::Add, {keyword}); !st) return failed(st.message());
    auto moved = client.uidMove(imap::UidSet::single(uid), "INBOX");
    if (!moved) return failed(moved.errorMessage());
    out.delivered = true;
    out.reason = "moved back to INBOX";
    return out;
  }

  // The edited version, or an original the server lost: put the gate's copy into INBOX once.
  auto inbox = client.select("INBOX");
  if (!inbox) return failed(inbox.errorMessage());
  bool present = false;
  if (!r.messageId.empty()) {
    auto hit = client.uidSearch(imap::SearchCriteria().header("Message-ID", "<" + r.messageId + ">").keyword(keyword));
    if (!hit) return failed(hit.errorMessage());
    present = !hit->empty();
  }
  if (!present) {
    auto appended = client.append("INBOX", r.raw, {keyword}, std::nullopt);
    if (!appended) return failed(appended.errorMessage());
  }
  if (uid != 0) {  // the original goes once the new version is safely in INBOX
    auto back = client.select(folder->name);
    common::Status st = back ? client.uidStore(imap::UidSet::single(uid), imap::StoreMode::Add, {"\\Deleted"}) : back.status();
    if (st) st = client.uidExpunge(imap::UidSet::single(uid));
    if (!st) {
      common::logEvent(log(), Poco::Message::PRIO_WARNING, {"release", r.emailId, account->name},
                       "delivered, but the original is still in " + common::sanitize(folder->name) + ": " + st.message());
    }
  }
  out.delivered = true;
  out.reason = present ? "already in INBOX" : "appended to INBOX";
  return out;
}

}  // namespace mg::watcher
