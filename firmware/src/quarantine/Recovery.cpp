// QuarantineService: what start-up puts right after a crash or power cut.
#include <regex>

#include "common/Log.h"
#include "common/Text.h"
#include "mime/MessageParser.h"
#include "mime/QuickHeaders.h"
#include "quarantine/QuarantineService.h"

namespace mg::quarantine {

namespace st = store::status;

QuarantineService::RecoveryReport QuarantineService::recoverAtStart() {
  RecoveryReport report;
  auto& log = common::logger("quarantine");

  // 1. A release that was under way when the process died: the upstream may or may not
  //    have the message. Sending it again blindly could deliver twice, so the operator decides.
  //    A delivered marker in the spool says it did go out and only the store refused to
  //    record it (disk full): then it is released (or relayed, for pass mail).
  auto releasing = deps_.messages->withStatus(st::kReleasing, 100000);
  if (!releasing) {
    log.error("recovery: " + releasing.errorMessage());
    return report;
  }
  for (int64_t id : releasing.value()) {
    auto row = deps_.messages->get(id);
    if (!row || !row.value()) continue;
    const store::MessageRecord& m = *row.value();
    if (const std::string to = deps_.spool->deliveredAs(m.spoolName); !to.empty()) {
      store::MessageRepository::Change c;
      c.failureReason = "";
      c.releasedAt = deps_.clock->nowMillis();
      if (auto done = deps_.messages->transition(id, {st::kReleasing}, to, c); done && done.value()) {
        deps_.spool->clearDelivered(m.spoolName);
        ++report.deliveredUnrecorded;
        audit(Actor::system(), "release", id, R"({"result":")" + to + R"(","reason":"recorded at start-up"})");
      }
      continue;
    }
    store::MessageRepository::Change c;
    c.failureReason = "interrupted by a restart while being delivered; it may have reached the upstream — check before releasing again";
    if (auto done = deps_.messages->transition(id, {st::kReleasing}, st::kReleaseFailed, c); done && done.value()) {
      ++report.interruptedReleases;
      audit(Actor::system(), "release", id, R"({"result":"release_failed","reason":"interrupted by restart"})");
    }
  }

  // 2. Spool files without a row: the client never got 250 for them (the row commit comes
  //    before the reply), but the bytes are here, so they are kept as held mail — once,
  //    with the origin the spool file records (IMAP mail stays IMAP mail of its account).
  auto knownNames = deps_.messages->allSpoolNames();
  if (!knownNames) {
    log.error("recovery: " + knownNames.errorMessage());
    return report;
  }
  const auto& known = knownNames.value();
  static const std::regex kVersionName(R"((.*)\.v[0-9]+-[0-9]+\.msg)");
  for (const auto& name : deps_.spool->list()) {
    if (known.count(name)) continue;
    std::smatch match;
    if (std::regex_match(name, match, kVersionName) && known.count(match[1].str() + ".msg")) {
      // An edit that crashed before its version row: the edit was never confirmed to anyone.
      (void)deps_.spool->remove(name);
      continue;
    }
    auto file = deps_.spool->read(name);
    if (!file) {
      ++report.unreadable;
      log.error("spool file " + name + " cannot be read and is left in place: " + file.errorMessage());
      deps_.notifier->notify("spool_unreadable", "critical", "spool file " + name + " could not be recovered: " + file.errorMessage());
      continue;
    }
    const std::string hash = common::sha256Hex(file->raw);
    auto duplicate = deps_.messages->existsWithHash(hash);
    if (!duplicate) {
      log.error("recovery: " + duplicate.errorMessage());
      continue;
    }
    if (duplicate.value()) {
      ++report.duplicates;
      (void)deps_.spool->remove(name);
      continue;
    }
    store::MessageRecord m;
    m.source = file->envelope.source;
    m.accountId = file->envelope.accountId;
    m.imapUidValidity = file->envelope.imapUidValidity;
    m.imapUid = file->envelope.imapUid;
    m.status = st::kHeld;
    m.mailFrom = file->envelope.mailFrom;
    m.rcptTo = file->envelope.rcptTo;
    if (deps_.spool->wasBeingParsed(name)) {
      // The process died while parsing exactly these bytes: parsing them again could end the
      // same way at every start. Held unparsed; the reviewer is told and sees the raw bytes.
      m.parsed = false;
      m.hasAttachments = true;  // unknown, so never "no attachments"
      // What it claims to be, read without the parser (undecoded), so it can be found.
      const mime::QuickHeaders quick = mime::readQuickHeaders(file->raw);
      m.fromHeader = quick.from;
      m.toHeader = quick.to;
      m.subject = quick.subject;
      m.messageId = quick.messageId;
      m.contentNote = "not parsed: mailgate stopped while reading this message, so it is held unread; "
                      "its raw bytes are kept as they arrived";
      ++report.unparsed;
      log.warning("recovery: spool file " + name + " was being parsed when mailgate stopped; held without parsing");
    } else {
      deps_.spool->markParsing(name);
      if (auto s = mime::parseMessage(file->raw); s) {
        setListFields(m, *s);
        m.hasAttachments = s->hasAttachments();
      }
    }
    m.receivedAt = deps_.clock->nowMillis();
    m.size = static_cast<int64_t>(file->raw.size());
    m.contentHash = hash;
    m.spoolName = name;
    m.failureReason = "recovered from the spool at start-up";
    auto id = deps_.messages->insert(m);
    if (!id) {
      // The file stays for the next start; nothing is lost.
      log.error("recovery: spool file " + name + ": " + id.errorMessage());
      continue;
    }
    deps_.spool->clearParsing(name);
    audit(Actor::system(), "recover", id.value(), R"({"spool":")" + name + R"(","source":")" + m.source + R"("})");
    ++report.recovered;
  }
  if (report.interruptedReleases || report.recovered || report.duplicates || report.unreadable ||
      report.deliveredUnrecorded) {
    log.warning("recovery: interrupted_releases=" + std::to_string(report.interruptedReleases) +
                " recovered=" + std::to_string(report.recovered) + " duplicates=" + std::to_string(report.duplicates) +
                " unreadable=" + std::to_string(report.unreadable) + " unparsed=" + std::to_string(report.unparsed) +
                " delivered_unrecorded=" + std::to_string(report.deliveredUnrecorded));
  }
  return report;
}

}  // namespace mg::quarantine
