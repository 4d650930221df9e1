#include "watcher/MailboxScanner.h"

#include <algorithm>
#include <map>

#include "common/Log.h"
#include "common/Text.h"
#include "mime/MessageParser.h"
#include "rules/Rule.h"
#include "smtp/Address.h"
#include "watcher/MessageIdentity.h"
#include "watcher/QuarantineFolder.h"

namespace mg::watcher {

namespace {

Poco::Logger& log() { return common::logger("watcher"); }

// "Name <a@b>" → "a@b"; anything without brackets is taken as it is.
std::string addressOf(const std::string& header) {
  const auto open = header.rfind('<');
  const auto close = header.rfind('>');
  if (open != std::string::npos && close != std::string::npos && close > open) {
    return header.substr(open + 1, close - open - 1);
  }
  return std::string(common::trim(header));
}

}  // namespace

MailboxScanner::MailboxScanner(WatchedAccount account, ScanDeps deps, ScanOptions options)
    : account_(std::move(account)), deps_(deps), options_(options) {}

void MailboxScanner::savePosition(uint32_t lastUid) {
  lastUid_ = lastUid;
  if (lastUid_ >= floorUntilUid_) floorAt_ = 0, floorUntilUid_ = 0;  // past the floor: it is done
  heartbeatKeptAt_ = deps_.clock->nowMillis();
  (void)deps_.positions->set(account_.id, uidValidity_, lastUid_, heartbeatKeptAt_, floorAt_, floorUntilUid_);
}

void MailboxScanner::heartbeat() {
  const int64_t now = deps_.clock->nowMillis();
  if (uidValidity_ == 0 || now - heartbeatKeptAt_ < kHeartbeatKeepMillis) return;
  heartbeatKeptAt_ = now;
  (void)deps_.positions->touch(account_.id, now);
}

common::Status MailboxScanner::begin(imap::ImapClient& client, const std::string& quarantineFolder) {
  folder_ = quarantineFolder;
  const auto& inbox = client.selected();
  if (!inbox) return common::Status::error("INBOX is not selected");
  uidValidity_ = inbox->uidValidity;
  auto read = deps_.positions->get(account_.id);
  if (!read) return read.status();
  const auto& saved = read.value();
  if (saved && saved->uidValidity == uidValidity_ && !saved->takeExisting) {
    lastUid_ = static_cast<uint32_t>(saved->lastUid);
    floorAt_ = saved->floorAt;
    floorUntilUid_ = static_cast<uint32_t>(saved->floorUntilUid);
    heartbeatKeptAt_ = saved->updatedAt;
  } else {
    // A start without a position for this INBOX: from UID 1, with a floor below today's
    // newest UID so that only mail that arrived since `since` is taken there. No gap: mail
    // that lands between adding the account and this SELECT (or while the server was down)
    // is above the floor's date.
    uint32_t next = inbox->uidNext;
    if (next == 0) {  // the server did not say: the highest UID there is
      auto all = client.uidSearch(imap::SearchCriteria().all());
      if (!all) return all.status().withContext("finding the newest message in INBOX");
      next = all->empty() ? 1 : *std::max_element(all->begin(), all->end()) + 1;
    }
    int64_t since = account_.createdAt - kClockSkewMillis;
    std::string why = "first start: taking INBOX mail that arrived since the account was added";
    if (saved && saved->takeExisting) {
      since = 0;
      why = "take_existing: taking every message in INBOX once";
    } else if (saved) {
      since = saved->updatedAt - kClockSkewMillis;
      why = "INBOX UIDVALIDITY changed from " + std::to_string(saved->uidValidity) + " to " +
            std::to_string(uidValidity_) + "; taking mail that arrived since the last heartbeat";
    }
    common::logEvent(log(), saved && !saved->takeExisting ? Poco::Message::PRIO_WARNING : Poco::Message::PRIO_INFORMATION,
                     {saved && !saved->takeExisting ? "uidvalidity_changed" : "watch_start", 0, account_.name}, why);
    floorAt_ = since > 0 ? since : 0;
    floorUntilUid_ = floorAt_ > 0 ? next - 1 : 0;
    savePosition(0);
  }
  if (!client.canMove()) {
    if (auto st = findPendingExpunges(client); !st) return st;
  }
  return locateUnplaced(client);
}

common::Status MailboxScanner::findPendingExpunges(imap::ImapClient& client) {
  // After a restart: INBOX messages that are \Deleted and recorded as taken from there are
  // ours, copied before the last EXPUNGE could be made safely.
  auto deleted = client.uidSearch(imap::SearchCriteria().deleted(true));
  if (!deleted) return deleted.status().withContext("looking for messages waiting for EXPUNGE");
  pendingExpunge_.clear();
  for (uint32_t u : deleted.value()) {
    auto known = deps_.messages->findImapOrigin(account_.id, uidValidity_, u);
    if (!known) return known.status();
    if (known.value()) pendingExpunge_.push_back(u);
  }
  return expungeIfSafe(client);
}

common::Result<imap::CopyResult> MailboxScanner::copyAndFlag(imap::ImapClient& client, const std::vector<uint32_t>& uids) {
  auto copied = client.uidCopy(imap::UidSet::of(uids), folder_);
  if (!copied) return copied;
  // Flagged at once: mail clients hide \Deleted mail, so the message leaves the user's view
  // even while the EXPUNGE has to wait.
  if (auto st = client.uidStore(imap::UidSet::of(uids), imap::StoreMode::Add, {"\\Deleted"}); !st) {
    return st.withContext("copied to " + common::sanitize(folder_) + " but not flagged \\Deleted in INBOX");
  }
  pendingExpunge_.insert(pendingExpunge_.end(), uids.begin(), uids.end());
  if (auto st = expungeIfSafe(client); !st) return st;
  return copied;
}

common::Status MailboxScanner::expungeIfSafe(imap::ImapClient& client) {
  if (pendingExpunge_.empty()) {
    note_.clear();
    return common::Status::success();
  }
  auto deleted = client.uidSearch(imap::SearchCriteria().deleted(true));
  if (!deleted) return deleted.status().withContext("checking INBOX before EXPUNGE");
  std::vector<uint32_t> ours = pendingExpunge_;
  std::sort(ours.begin(), ours.end());
  size_t others = 0;
  for (uint32_t u : deleted.value()) others += std::binary_search(ours.begin(), ours.end(), u) ? 0 : 1;
  if (others > 0) {
    note_ = std::to_string(ours.size()) + " message(s) copied to " + common::sanitize(folder_) +
            " and flagged \\Deleted in INBOX wait for EXPUNGE: the server has neither MOVE nor UIDPLUS, and " +
            std::to_string(others) + " other INBOX message(s) are \\Deleted too, which an EXPUNGE would remove; retried at every scan";
    common::logEvent(log(), Poco::Message::PRIO_WARNING, {"expunge_waits", 0, account_.name}, note_);
    return common::Status::success();
  }
  if (auto st = client.expunge(); !st) return st.withContext("expunging what was copied to " + common::sanitize(folder_));
  pendingExpunge_.clear();
  note_.clear();
  return common::Status::success();
}

// A row without a Quarantine UID: the gate recorded it and then either did not move it yet
// (it is still in INBOX under its UID: the next scan moves it) or moved it and stopped before
// noting where it went (search Quarantine by Message-ID).
common::Status MailboxScanner::locateUnplaced(imap::ImapClient& client) {
  auto listed = deps_.messages->imapUnplaced(account_.id, 500);
  if (!listed) return listed.status();
  const auto& unplaced = listed.value();
  if (unplaced.empty()) return common::Status::success();
  std::vector<store::MessageRecord> missing;
  for (const auto& m : unplaced) {
    if (m.imapUidValidity == uidValidity_ && m.imapUid > 0) {
      auto still = client.uidSearch(imap::SearchCriteria().uids(imap::UidSet::single(uint32_t(m.imapUid))));
      if (!still) return still.status();
      if (!still->empty()) {
        if (m.imapUid <= lastUid_) savePosition(uint32_t(m.imapUid) - 1);  // rescan from it
        continue;
      }
    }
    missing.push_back(m);
  }
  if (missing.empty()) return common::Status::success();
  auto state = client.examine(folder_);
  if (!state) return state.status().withContext("reconciling");
  for (const auto& m : missing) {
    // Only a message with exactly the held bytes is taken for it (a Message-ID alone is not
    // unique); one that is not found stays unplaced and a release appends the gate's copy.
    auto found = findByContent(client, {m.messageId, m.size, m.contentHash});
    if (!found) return found.status();
    if (found.value() != 0) {
      (void)deps_.messages->setImapLocation(m.id, state->uidValidity, found.value());
      common::logEvent(log(), Poco::Message::PRIO_INFORMATION, {"reconcile", m.id, account_.name},
                       "found in " + common::sanitize(folder_) + " as UID " + std::to_string(found.value()));
    }
  }
  auto inbox = client.select("INBOX");
  if (!inbox) return inbox.status();
  return common::Status::success();
}

bool MailboxScanner::wanted(const imap::FetchedMessage& m) {
  if (account_.intercept == "off") return false;
  if (m.hasFlag(kReleasedKeyword)) return false;
  rules::MessageFacts facts;
  facts.source = "imap";
  facts.accountId = account_.id;
  facts.flagged = m.hasFlag("\\Flagged");
  facts.size = static_cast<int64_t>(m.size);
  if (m.header) {
    if (auto parsed = mime::parseMessage(*m.header + "\r\n"); parsed) {
      facts.fromHeader = parsed->from;
      facts.toHeader = parsed->to;
      facts.ccHeader = parsed->cc;
      facts.subject = parsed->subject;
      facts.headers = parsed->headers;
      facts.mailFrom = addressOf(parsed->from);
      facts.rcptTo = {addressOf(parsed->to)};
      // Headers alone cannot show attachments; a multipart/mixed body is the usual sign.
      for (const auto& [name, value] : parsed->headers) {
        if (common::iequals(name, "Content-Type") && common::iequals(value.substr(0, 15), "multipart/mixed")) {
          facts.hasAttachment = true;
        }
      }
    }
  }
  // decide() with "pass" as the default: only a hold rule that applies takes a message.
  // ruleApplies() already keeps flagged mail out of every rule without flagged:true.
  const auto decision = rules::decide(deps_.quarantine->ruleBook().rules(), facts, "pass");
  const bool heldByRule = decision.action == "hold" && decision.rule.has_value();
  if (account_.intercept == "all") return !facts.flagged || heldByRule;
  return heldByRule;  // rules
}

common::Result<size_t> MailboxScanner::scan(imap::ImapClient& client, const std::atomic<bool>& stop) {
  if (account_.intercept == "off") return size_t{0};
  if (!pendingExpunge_.empty()) {
    if (auto st = expungeIfSafe(client); !st) return st;
  }
  // Below the floor (a first start, a changed UIDVALIDITY) the server narrows by day (SINCE
  // has a day's resolution, in the server's time zone: a day earlier is safe) and takeBatch()
  // checks INTERNALDATE exactly; above it, every new message counts.
  const bool floored = floorAt_ > 0 && lastUid_ < floorUntilUid_;
  const uint32_t above = floored ? floorUntilUid_ : lastUid_;
  std::vector<uint32_t> uids;
  if (floored) {
    auto recent = client.uidSearch(imap::SearchCriteria()
                                       .uids(imap::UidSet::range(lastUid_ + 1, floorUntilUid_))
                                       .since(floorAt_ / 1000 - 86'400)
                                       .unkeyword(kReleasedKeyword)
                                       .deleted(false));
    if (!recent) return recent.status().withContext("searching INBOX for mail since the watcher's start");
    for (uint32_t u : recent.value()) {
      if (u > lastUid_ && u <= floorUntilUid_) uids.push_back(u);
    }
  }
  auto found = client.uidSearch(imap::SearchCriteria()
                                    .uids(imap::UidSet::from(above + 1))
                                    .unkeyword(kReleasedKeyword)
                                    .deleted(false));
  if (!found) return found.status().withContext("searching INBOX for new mail");
  for (uint32_t u : found.value()) {
    if (u > above) uids.push_back(u);  // "n:*" always includes the newest message
  }
  std::sort(uids.begin(), uids.end());
  size_t total = 0;
  for (size_t i = 0; i < uids.size() && !stop.load(); i += options_.headerBatch) {
    const std::vector<uint32_t> chunk(uids.begin() + long(i), uids.begin() + long(std::min(uids.size(), i + options_.headerBatch)));
    std::vector<Taken> taken;
    if (auto st = takeBatch(client, chunk, taken); !st) return st;
    if (auto st = moveTaken(client, taken); !st) return st;
    total += taken.size();
    savePosition(chunk.back());  // only after the batch is moved and placed
  }
  // Nothing new at all (e.g. only released mail arrived, or nothing since the floor's date):
  // remember the newest UID anyway; what the floor left out is done with.
  if (uids.empty() && !stop.load()) {
    uint32_t newest = above;
    for (uint32_t u : found.value()) newest = std::max(newest, u);
    if (newest > lastUid_) savePosition(newest);
  }
  return total;
}

common::Status MailboxScanner::takeBatch(imap::ImapClient& client, const std::vector<uint32_t>& chunk,
                                         std::vector<Taken>& taken) {
  auto headers = client.uidFetch(imap::UidSet::of(chunk), imap::kFetchFlags | imap::kFetchSize | imap::kFetchHeader |
                                                               imap::kFetchInternalDate);
  if (!headers) return headers.status().withContext("fetching headers");
  std::vector<const imap::FetchedMessage*> want;
  for (const auto& m : headers.value()) {
    // Below the floor: only what arrived since (an INTERNALDATE that does not parse counts as
    // new: better held once too many than missed).
    if (belowFloor(m.uid) && m.internalTime && *m.internalTime * 1000 < floorAt_) continue;
    if (wanted(m)) want.push_back(&m);
  }
  size_t i = 0;
  while (i < want.size()) {
    // Bodies in groups bounded by bytes (at least one message per group).
    std::vector<uint32_t> group;
    uint64_t bytes = 0;
    while (i < want.size() && (group.empty() || bytes + want[i]->size <= options_.bodyBatchBytes)) {
      bytes += want[i]->size;
      group.push_back(want[i]->uid);
      ++i;
    }
    std::vector<uint32_t> toFetch;
    for (uint32_t uid : group) {
      // Recorded before a crash or a lost connection: move it, do not record it again.
      // That includes a spool file start-up recovery listed after a crash before its row: the
      // spool file carries the account and UID, so recovery recorded it as this account's mail.
      auto known = deps_.messages->findImapOrigin(account_.id, uidValidity_, uid);
      if (!known) return known.status();
      if (known.value()) {
        // Only what is still held goes to the Quarantine folder: a message discarded or being
        // released meanwhile is the release/discard path's to handle where it is.
        const std::string& status = known.value()->status;
        if (status == store::status::kHeld || status == store::status::kReleaseFailed) {
          taken.push_back({uid, known.value()->id});
        }
      } else {
        toFetch.push_back(uid);
      }
    }
    if (toFetch.empty()) continue;
    auto bodies = client.uidFetch(imap::UidSet::of(toFetch), imap::kFetchFlags | imap::kFetchBody);
    if (!bodies) return bodies.status().withContext("fetching messages");
    for (auto& m : bodies.value()) {
      if (!m.body) continue;  // expunged by someone else meanwhile
      quarantine::IntakeRequest req;
      req.source = "imap";
      req.accountId = account_.id;
      // The envelope of IMAP mail only describes it (a release puts the bytes back into the
      // mailbox): what the one address parser does not accept becomes <> / the account's user.
      if (auto parsed = mime::parseMessage(*m.body); parsed) {
        req.mailFrom = addressOf(parsed->from);
        req.rcptTo = {addressOf(parsed->to)};
      }
      if (!req.mailFrom.empty() && !smtp::parseMailbox(req.mailFrom)) req.mailFrom.clear();
      if (req.rcptTo.empty() || !smtp::parseMailbox(req.rcptTo.front())) {
        req.rcptTo.clear();
        if (smtp::parseMailbox(account_.username)) req.rcptTo.push_back(account_.username);  // often "me@…"
      }
      req.raw = std::move(*m.body);
      m.body.reset();
      req.flagged = m.hasFlag("\\Flagged");
      req.imapUid = m.uid;
      req.imapUidValidity = uidValidity_;
      auto accepted = deps_.quarantine->accept(req);
      if (!accepted) return accepted.status().withContext("recording UID " + std::to_string(m.uid));
      taken.push_back({m.uid, accepted->id});
    }
  }
  return common::Status::success();
}

common::Status MailboxScanner::moveTaken(imap::ImapClient& client, const std::vector<Taken>& taken) {
  if (taken.empty()) return common::Status::success();
  std::vector<uint32_t> uids;
  for (const auto& t : taken) uids.push_back(t.uid);
  // Without MOVE and UIDPLUS the copies get no COPYUID: they stay unplaced until
  // locateUnplaced() finds them by content; releases find them the same way.
  auto moveOnce = [&] { return client.canMove() ? client.uidMove(imap::UidSet::of(uids), folder_) : copyAndFlag(client, uids); };
  auto moved = moveOnce();
  if (!moved && client.connected() && client.lastCompletion() && client.lastCompletion()->hasCode("TRYCREATE")) {
    // The folder was deleted behind the gate's back: make it again and retry once.
    common::logEvent(log(), Poco::Message::PRIO_WARNING, {"quarantine_folder", 0, account_.name},
                     common::sanitize(folder_) + " is missing; creating it again");
    if (auto st = client.create(folder_); !st) return st.withContext("recreating the quarantine folder");
    moved = moveOnce();
  }
  if (!moved) return moved.status().withContext("moving " + std::to_string(uids.size()) + " message(s) to quarantine");
  std::map<uint32_t, int64_t> idOf;
  for (const auto& t : taken) idOf[t.uid] = t.id;
  std::vector<std::pair<int64_t, int64_t>> placed;
  for (const auto& [from, to] : moved->uids) {
    if (auto it = idOf.find(from); it != idOf.end()) placed.emplace_back(it->second, to);
  }
  // Moved but not noted: the next start finds them in Quarantine by Message-ID.
  if (auto st = deps_.messages->setImapLocations(moved->uidValidity, placed); !st) {
    return st.withContext("recording where the moved messages are");
  }
  common::logEvent(log(), Poco::Message::PRIO_INFORMATION, {"intercept", 0, account_.name},
                   "moved=" + std::to_string(uids.size()) + " uids=" + imap::UidSet::of(uids).toString().substr(0, 64));
  return common::Status::success();
}

}  // namespace mg::watcher
