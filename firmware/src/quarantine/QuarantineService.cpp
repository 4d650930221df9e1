#include "quarantine/QuarantineService.h"

#include <Poco/JSON/Object.h>

#include <chrono>
#include <cmath>
#include <sstream>

#include "common/Log.h"
#include "common/Metrics.h"
#include "common/Text.h"
#include "mime/MessageEditor.h"
#include "mime/MessageParser.h"
#include "mime/UnifiedDiff.h"
#include "rules/Rule.h"

namespace mg::quarantine {

namespace st = store::status;

std::string toString(Outcome o) {
  switch (o) {
    case Outcome::Done: return "done";
    case Outcome::AlreadyDone: return "already_done";
    case Outcome::NotFound: return "not_found";
    case Outcome::Conflict: return "conflict";
    case Outcome::Failed: return "failed";
    case Outcome::Invalid: return "invalid";
    case Outcome::Unavailable: return "unavailable";
    case Outcome::Gone: return "gone";
  }
  return "unknown";
}

namespace {

// One of a WorkSlots' slots, for a scope. A parse is bounded work (mime/Limits.h), so the
// wait for a turn is too.
class SlotHold {
 public:
  explicit SlotHold(common::WorkSlots& slots) : slots_(slots) {
    while (!slots_.acquire(1000)) {
    }
  }
  ~SlotHold() { slots_.release(); }
  SlotHold(const SlotHold&) = delete;
  SlotHold& operator=(const SlotHold&) = delete;

 private:
  common::WorkSlots& slots_;
};

}  // namespace

namespace {

std::string json(std::initializer_list<std::pair<const char*, Poco::Dynamic::Var>> fields) {
  Poco::JSON::Object o;
  for (const auto& [k, v] : fields) o.set(k, v);
  std::ostringstream ss;
  o.stringify(ss);
  return ss.str();
}

Poco::Logger& log() { return common::logger("quarantine"); }

std::string joinNotes(const std::vector<std::string>& notes) {
  std::string out;
  for (const auto& n : notes) out += (out.empty() ? "" : "; ") + n;
  return common::capText(out, QuarantineService::kListFieldBytes);
}

}  // namespace

QuarantineService::QuarantineService(QuarantineDeps deps, QuarantineOptions options)
    : deps_(std::move(deps)), options_(std::move(options)) {
  auto& m = common::Metrics::global();
  m.describe("mailgate_releases_total", "counter", "Releases by source and result");
  m.describe("mailgate_release_duration_seconds", "histogram", "Time to deliver a released message");
  auto repo = deps_.messages;
  m.describe("mailgate_held_messages", "gauge", "Messages currently held");
  m.gaugeFunction("mailgate_held_messages", [repo] {
    const auto counts = repo->countByStatus();
    if (!counts) return std::nan("");  // unknown, not zero, while the store cannot be read
    auto it = counts->find(st::kHeld);
    return it == counts->end() ? 0.0 : static_cast<double>(it->second);
  });
  m.describe("mailgate_held_oldest_timestamp_seconds", "gauge",
             "When the longest-held message arrived (0: none held); alerts on mail waiting too long");
  m.gaugeFunction("mailgate_held_oldest_timestamp_seconds", [repo] {
    const auto at = repo->oldestReceivedAt(st::kHeld);
    return at ? static_cast<double>(at.value()) / 1000.0 : std::nan("");
  });
}

void QuarantineService::setDeliveryPort(const std::string& source, DeliveryPort* port) {
  std::lock_guard<std::mutex> lock(mu_);
  ports_[source] = port;
}

DeliveryPort* QuarantineService::portFor(const std::string& source) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = ports_.find(source);
  return it == ports_.end() ? nullptr : it->second;
}

QuarantineOptions QuarantineService::options() const {
  std::lock_guard<std::mutex> lock(optionsMu_);
  return options_;
}

void QuarantineService::setOptions(QuarantineOptions options) {
  std::lock_guard<std::mutex> lock(optionsMu_);
  options_ = std::move(options);
}

void QuarantineService::subscribe(std::function<void(int64_t, const std::string&)> fn) {
  std::lock_guard<std::mutex> lock(mu_);
  observers_.push_back(std::move(fn));
}

void QuarantineService::emit(int64_t id, const std::string& status) {
  std::vector<std::function<void(int64_t, const std::string&)>> observers;
  {
    std::lock_guard<std::mutex> lock(mu_);
    observers = observers_;
  }
  for (const auto& fn : observers) fn(id, status);
}

void QuarantineService::audit(const Actor& actor, const std::string& action, int64_t emailId,
                              const std::string& details) {
  if (auto st = deps_.audit->append(actor.name, action, emailId, details, deps_.clock->nowMillis()); !st) {
    common::logEvent(log(), Poco::Message::PRIO_ERROR, {"audit", emailId, ""},
                     "not written (" + st.errorMessage() + "): by=" + actor.name + " action=" + action + " " + details);
  }
}

common::Result<IntakeResult> QuarantineService::accept(const IntakeRequest& req) {
  spool::SpoolEnvelope envelope{req.mailFrom, req.rcptTo};
  envelope.source = req.source;
  envelope.accountId = req.accountId;
  envelope.imapUidValidity = req.imapUidValidity;
  envelope.imapUid = req.imapUid;
  auto written = deps_.spool->write(envelope, req.raw);
  if (!written) return written.status().withContext("spooling");
  return admit(req, written.value());
}

common::Result<IntakeResult> QuarantineService::acceptStreamed(const IntakeRequest& req, spool::SpoolWriter& message) {
  auto written = message.commit();
  if (!written) return written.status().withContext("spooling");
  return admit(req, written.value());
}

common::Result<IntakeResult> QuarantineService::admit(const IntakeRequest& req, const spool::WrittenEntry& written) {
  // A message GMime cannot make sense of is still kept: rules then see only the envelope.
  // The marker makes a crash inside the parser a held "not parsed" message after the restart
  // instead of the same crash again. It is parsed from its spool file, never from memory.
  mime::MessageSummary summary;
  std::string contentNote;
  {
    // The marker is set only once this message's turn has come: a crash in the parser must
    // not mark the ones still waiting.
    SlotHold turn(intakeParses_);
    deps_.spool->markParsing(written.name);
    if (auto parsed = mime::parseMessageFile(deps_.spool->pathOf(written.name), written.rawOffset); parsed) {
      summary = std::move(parsed.value());
      contentNote = joinNotes(summary.limitNotes);
    } else {
      contentNote = "the content could not be parsed (" + parsed.errorMessage() + "); only the raw message is shown";
    }
    deps_.spool->clearParsing(written.name);
  }

  rules::MessageFacts facts;
  facts.source = req.source;
  facts.accountId = req.accountId;
  facts.mailFrom = req.mailFrom;
  facts.rcptTo = req.rcptTo;
  facts.fromHeader = summary.from;
  facts.toHeader = summary.to;
  facts.ccHeader = summary.cc;
  facts.subject = summary.subject;
  facts.headers = summary.headers;
  facts.size = static_cast<int64_t>(written.size);
  facts.hasAttachment = summary.hasAttachments();
  facts.flagged = req.flagged;
  const rules::Decision decision = rules::decide(deps_.rules->rules(), facts, options().defaultAction);

  const int64_t now = deps_.clock->nowMillis();
  store::MessageRecord m;
  m.source = req.source;
  m.accountId = req.accountId;
  // IMAP mail reaches here only when the watcher decided to take it (intercept mode and hold
  // rules): it is held; "pass" has no meaning for mail already in the mailbox.
  const bool held = req.source == "imap" || decision.action != "pass";
  m.status = held ? st::kHeld : st::kQueued;
  m.mailFrom = req.mailFrom;
  m.rcptTo = req.rcptTo;
  setListFields(m, summary);
  m.contentNote = contentNote;
  m.smtpHelo = req.smtpHelo;
  m.smtpClient = req.smtpClient;
  m.smtpProtocol = req.smtpProtocol;
  m.smtpUtf8 = req.smtpUtf8;
  m.receivedAt = now;
  m.size = static_cast<int64_t>(written.size);
  m.hasAttachments = summary.hasAttachments();
  m.contentHash = written.contentHash;
  m.spoolName = written.name;
  m.nextAttemptAt = now;
  m.imapUid = req.imapUid;
  m.imapUidValidity = req.imapUidValidity;
  if (decision.rule && (decision.action == "hold" || req.source != "imap")) {
    m.ruleId = decision.rule->id;
    m.ruleName = decision.rule->name;
    if (decision.action == "hold" && decision.rule->autoReleaseMinutes > 0) {
      m.autoReleaseAt = now + int64_t(decision.rule->autoReleaseMinutes) * 60'000;
    }
  }
  auto inserted = deps_.messages->insert(m);
  // The spool file stays: recovery at the next start lists it as held, with its origin.
  if (!inserted) return inserted.status();
  m.id = inserted.value();
  common::logEvent(log(), Poco::Message::PRIO_INFORMATION, {"intake", m.id, ""},
                   "source=" + m.source + " status=" + m.status + " size=" + std::to_string(m.size) +
                       " rcpts=" + std::to_string(m.rcptTo.size()) + " rule=" + (m.ruleName.empty() ? "-" : m.ruleName));
  emit(m.id, m.status);
  if (m.status == st::kQueued) wakeRelayWorker();
  return IntakeResult{m.id, m.status, m.ruleName};
}

void QuarantineService::setListFields(store::MessageRecord& m, const mime::MessageSummary& s) {
  // The list shows these for 50 messages at a time: a 20 MB Subject must not make it 200 MB.
  m.messageId = common::capText(s.messageId, kListFieldBytes);
  m.fromHeader = common::capText(s.from, kListFieldBytes);
  m.toHeader = common::capText(s.to, kListFieldBytes);
  m.subject = common::capText(s.subject, kListFieldBytes);
}

DeliveryRequest QuarantineService::deliveryRequest(const store::MessageRecord& m, std::string_view raw) {
  DeliveryRequest req;
  req.emailId = m.id;
  req.mailFrom = m.mailFrom;
  req.rcptTo = m.rcptTo;
  req.raw = raw;
  req.source = m.source;
  req.accountId = m.accountId;
  req.imapUid = m.imapFolderUid;
  req.imapUidValidity = m.imapFolderUidValidity;
  req.imapOriginUid = m.imapUid;
  req.imapOriginUidValidity = m.imapUidValidity;
  req.messageId = m.messageId;
  req.contentHash = m.contentHash;
  req.originalSize = m.size;
  req.version = m.currentVersion;
  req.edited = m.currentVersion > 1;
  req.smtpUtf8 = m.smtpUtf8;
  if (m.source == "smtp" && !m.smtpProtocol.empty()) {
    req.trace = TraceInfo{m.smtpHelo, m.smtpClient, m.smtpProtocol, m.receivedAt};
  }
  return req;
}

common::Result<std::string> QuarantineService::currentSpoolName(const store::MessageRecord& m) {
  if (m.currentVersion <= 1) return m.spoolName;
  auto versions = deps_.messages->versions(m.id);
  if (!versions) return versions.status();
  for (const auto& v : versions.value()) {
    if (v.version == m.currentVersion) return v.spoolName;
  }
  return common::Result<std::string>::error("version " + std::to_string(m.currentVersion) + " of message " +
                                            std::to_string(m.id) + " has no spool file");
}

common::Result<spool::RawLocation> QuarantineService::locate(const store::MessageRecord& m, bool original) {
  auto name = original ? common::Result<std::string>(m.spoolName) : currentSpoolName(m);
  if (!name) return name.status();
  return deps_.spool->locate(name.value());
}

common::Result<mime::MessageSummary> QuarantineService::parse(const spool::RawLocation& where, bool withHtml) {
  SlotHold turn(viewParses_);
  return mime::parseMessageFile(where.path, where.offset, withHtml);
}

common::Result<std::string> QuarantineService::readCurrent(const store::MessageRecord& m) {
  auto name = currentSpoolName(m);
  if (!name) return name.status();
  return deps_.spool->readRaw(name.value());
}

namespace {
ActionResult unavailable(int64_t id, const common::Status& st) {
  return {Outcome::Unavailable, id, "", "the message store is not available: " + st.message(), ""};
}
}  // namespace

ActionResult QuarantineService::release(int64_t id, const Actor& actor, const std::optional<std::vector<std::string>>& to) {
  auto read = deps_.messages->get(id);
  if (!read) return unavailable(id, read.status());
  auto m = std::move(read.value());
  if (!m) return {Outcome::NotFound, id, "", "no message " + std::to_string(id), ""};
  if (m->status == st::kReleased) return {Outcome::AlreadyDone, id, m->status, "already released", ""};
  if (m->status == st::kDiscarded || m->status == st::kRelayed) {
    return {Outcome::Invalid, id, m->status, "message " + std::to_string(id) + " is " + m->status + "; it cannot be released", ""};
  }
  if (to && m->source != "smtp") return {Outcome::Invalid, id, m->status, "'to' applies to SMTP mail only", ""};
  if (to && to->empty()) return {Outcome::Invalid, id, m->status, "'to' must name at least one recipient", ""};
  DeliveryPort* port = portFor(m->source);
  if (!port) return {Outcome::Failed, id, m->status, "no delivery path for " + m->source + " mail", ""};

  if (beforeClaimForTest_) beforeClaimForTest_(id);
  store::MessageRepository::Change claim;
  if (to) claim.releaseTo = *to;
  auto claimed = deps_.messages->transition(id, {st::kHeld, st::kReleaseFailed, st::kRelayFailed, st::kQueued},
                                            st::kReleasing, claim);
  if (!claimed) return unavailable(id, claimed.status());
  if (!claimed.value()) {
    auto again = deps_.messages->get(id);
    if (!again) return unavailable(id, again.status());
    const auto& row = again.value();
    if (row && row->status == st::kReleased) return {Outcome::AlreadyDone, id, row->status, "already released", ""};
    return {Outcome::Conflict, id, row ? row->status : "", "message " + std::to_string(id) + " is being changed by another request", ""};
  }
  emit(id, st::kReleasing);
  // From here on every path ends in released or release_failed (finishDelivery), whatever
  // the store does. The version to send is the one current at the claim: an edit committed
  // after the read above (and before the claim) was confirmed to its author, so it must be
  // what goes out. After the claim no edit can commit (edits require held, in one transaction).
  DeliveryOutcome out;
  const auto started = std::chrono::steady_clock::now();
  auto current = deps_.messages->get(id);
  if (!current || !current.value()) {
    out.reason = "could not read the claimed message: " +
                 (current ? std::string("it is gone") : current.errorMessage());
  } else {
    m = std::move(current.value());
    auto raw = readCurrent(*m);
    if (!raw) {
      out.reason = raw.errorMessage();
    } else {
      DeliveryRequest req = deliveryRequest(*m, raw.value());
      if (to) req.rcptTo = *to;
      try {
        out = port->deliver(req);
      } catch (const std::exception& e) {
        out.delivered = false;
        out.reason = std::string("delivery failed: ") + e.what();
      }
    }
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  auto& metrics = common::Metrics::global();
  metrics.observe("mailgate_release_duration_seconds", seconds);
  if (!out.upstream.empty()) {
    if (auto st = deps_.messages->recordRelayAttempt(id, out.upstream, deps_.clock->nowMillis(), out.delivered, out.reason);
        !st.ok()) {
      log().error("message " + std::to_string(id) + ": " + st.message());
    }
  }

  if (out.delivered) {
    store::MessageRepository::Change done;
    done.failureReason = "";
    done.releasedAt = deps_.clock->nowMillis();
    const std::string unrecorded = finishDelivery(*m, st::kReleased, done, true);
    audit(actor, "release", id, json({{"result", "released"}, {"upstream", out.upstream}, {"to", to ? to->size() : m->rcptTo.size()}}));
    metrics.increment("mailgate_releases_total", {{"source", m->source}, {"result", "released"}});
    common::logEvent(log(), Poco::Message::PRIO_INFORMATION, {"release", id, ""},
                     "by=" + actor.name + " via=" + out.upstream);
    if (unrecorded.empty()) emit(id, st::kReleased);
    return {Outcome::Done, id, st::kReleased, "", unrecorded};
  }
  store::MessageRepository::Change failed;
  failed.failureReason = out.reason;
  const std::string unrecorded = finishDelivery(*m, st::kReleaseFailed, failed, false);
  audit(actor, "release", id, json({{"result", "release_failed"}, {"reason", out.reason}}));
  metrics.increment("mailgate_releases_total", {{"source", m->source}, {"result", "failed"}});
  // A 5xx from every relay is the upstream refusing this message ("reject", with its reason);
  // anything else may pass on a retry.
  deps_.notifier->notify(out.permanent ? "reject" : "release_failed", "warning",
                         "release of message " + std::to_string(id) + (out.permanent ? " was rejected: " : " failed: ") +
                             out.reason,
                         id);
  if (unrecorded.empty()) emit(id, st::kReleaseFailed);
  return {Outcome::Failed, id, st::kReleaseFailed, out.reason, unrecorded};
}

std::string QuarantineService::finishDelivery(const store::MessageRecord& m, const std::string& to,
                                              const store::MessageRepository::Change& change, bool delivered) {
  // Twice at once: a busy or briefly failing store often takes the second write.
  common::Status last = common::Status::success();
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto done = deps_.messages->transition(m.id, {st::kReleasing}, to, change);
    if (done) return "";
    last = done.status();
  }
  // The outcome must not be lost: the scheduler writes it when the store recovers, and the
  // delivered marker lets start-up recovery say "released" should the process stop first.
  bool marked = true;
  if (delivered) marked = deps_.spool->markDelivered(m.spoolName, to);
  {
    std::lock_guard<std::mutex> lock(mu_);
    pendingOutcomes_.push_back({m.id, m.spoolName, to, change, delivered});
  }
  const std::string why = "the store did not record '" + to + "' yet (" + last.message() + "); it is retried" +
                          (marked ? "" : ", and the spool marker could not be written either");
  common::logEvent(log(), Poco::Message::PRIO_ERROR, {"store_error", m.id, ""}, why);
  deps_.notifier->notify("store_error", "critical", "message " + std::to_string(m.id) + " is " + to + " but " + why, m.id);
  return why;
}

size_t QuarantineService::recordPendingOutcomes() {
  std::vector<PendingOutcome> pending;
  {
    std::lock_guard<std::mutex> lock(mu_);
    pending.swap(pendingOutcomes_);
  }
  std::vector<PendingOutcome> still;
  for (auto& p : pending) {
    auto done = deps_.messages->transition(p.id, {st::kReleasing}, p.to, p.change);
    if (!done) {
      still.push_back(std::move(p));
      continue;
    }
    if (p.delivered) deps_.spool->clearDelivered(p.spoolName);
    common::logEvent(log(), Poco::Message::PRIO_NOTICE, {"store_recovered", p.id, ""}, "recorded " + p.to);
    emit(p.id, p.to);
  }
  std::lock_guard<std::mutex> lock(mu_);
  pendingOutcomes_.insert(pendingOutcomes_.end(), std::make_move_iterator(still.begin()),
                          std::make_move_iterator(still.end()));
  return pendingOutcomes_.size();
}

size_t QuarantineService::pendingOutcomes() {
  std::lock_guard<std::mutex> lock(mu_);
  return pendingOutcomes_.size();
}

ActionResult QuarantineService::discard(int64_t id, const Actor& actor) {
  auto read = deps_.messages->get(id);
  if (!read) return unavailable(id, read.status());
  const auto& m = read.value();
  if (!m) return {Outcome::NotFound, id, "", "no message " + std::to_string(id), ""};
  if (m->status == st::kDiscarded) return {Outcome::AlreadyDone, id, m->status, "already discarded", ""};
  auto won = deps_.messages->transition(id, {st::kHeld, st::kReleaseFailed, st::kRelayFailed, st::kQueued}, st::kDiscarded);
  if (!won) return unavailable(id, won.status());
  if (!won.value()) {
    auto again = deps_.messages->get(id);
    if (!again) return unavailable(id, again.status());
    const auto& row = again.value();
    if (row && row->status == st::kDiscarded) return {Outcome::AlreadyDone, id, row->status, "already discarded", ""};
    return {Outcome::Conflict, id, row ? row->status : "",
            "message " + std::to_string(id) + " is " + (row ? row->status : std::string("gone")) + "; it cannot be discarded", ""};
  }
  audit(actor, "discard", id, json({{"previous_status", m->status}}));
  common::logEvent(log(), Poco::Message::PRIO_INFORMATION, {"discard", id, ""}, "by=" + actor.name);
  emit(id, st::kDiscarded);
  // The discard is decided and recorded; now the source may drop its copy (IMAP: the message
  // in the Quarantine folder). If that fails the message stays discarded, and the operator
  // hears that it is still on the server.
  if (DeliveryPort* port = portFor(m->source)) {
    DeliveryOutcome out;
    try {
      out = port->discard(deliveryRequest(*m, {}));
    } catch (const std::exception& e) {
      out.delivered = false;
      out.reason = e.what();
    }
    if (!out.delivered) {
      deps_.notifier->notify("discard_incomplete", "warning",
                             "message " + std::to_string(id) + " is discarded but still on the server: " + out.reason, id);
    }
  }
  return {Outcome::Done, id, st::kDiscarded, "", ""};
}

EditResult QuarantineService::edit(int64_t id, const Actor& actor, const std::optional<std::string>& subject,
                                   const std::optional<std::string>& text) {
  auto read = deps_.messages->get(id);
  if (!read) return {Outcome::Unavailable, "the message store is not available: " + read.errorMessage(), 0, ""};
  const auto& m = read.value();
  if (!m) return {Outcome::NotFound, "no message " + std::to_string(id), 0, ""};
  if (!subject && !text) return {Outcome::Invalid, "nothing to change: give subject and/or text", 0, ""};
  if (m->status != st::kHeld && m->status != st::kReleaseFailed) {
    return {Outcome::Conflict, "message " + std::to_string(id) + " is " + m->status + "; only held mail can be edited", 0, ""};
  }
  auto current = readCurrent(*m);
  if (!current) return {Outcome::Failed, current.errorMessage(), 0, ""};
  auto edited = mime::editMessage(current.value(), subject, text);
  if (!edited) return {Outcome::Invalid, edited.errorMessage(), 0, ""};

  const std::string base = m->spoolName.substr(0, m->spoolName.size() - 4);  // drop ".msg"
  // Random too: two edits in one millisecond must not share a name (the rename would replace
  // the first one's file).
  const std::string hint = base + ".v" + std::to_string(m->currentVersion + 1) + "-" +
                           std::to_string(deps_.clock->nowMillis()) + "-" + common::randomHex(3);
  spool::SpoolEnvelope envelope{m->mailFrom, m->rcptTo};
  envelope.source = m->source;
  envelope.accountId = m->accountId;
  auto written = deps_.spool->write(envelope, edited.value(), hint);
  if (!written) return {Outcome::Failed, written.errorMessage(), 0, ""};
  store::MessageVersion v;
  v.emailId = id;
  v.spoolName = written->name;
  v.contentHash = written->contentHash;
  v.size = static_cast<int64_t>(written->size);
  v.createdAt = deps_.clock->nowMillis();
  v.createdBy = actor.name;
  std::string newSubject = m->subject;
  if (subject) newSubject = *subject;
  auto added = deps_.messages->addVersion(id, v, newSubject);
  if (!added) {
    (void)deps_.spool->remove(written->name);
    return {Outcome::Unavailable, "the message store is not available: " + added.errorMessage(), 0, ""};
  }
  const int version = added.value();
  if (version == 0) {
    (void)deps_.spool->remove(written->name);
    return {Outcome::Conflict, "message " + std::to_string(id) + " changed status while being edited", 0, ""};
  }
  audit(actor, "edit", id, json({{"version", version}, {"subject_changed", subject.has_value()}, {"text_changed", text.has_value()}}));
  common::logEvent(log(), Poco::Message::PRIO_INFORMATION, {"edit", id, ""}, "by=" + actor.name + " version=" + std::to_string(version));
  emit(id, m->status);
  auto original = deps_.spool->readRaw(m->spoolName);
  std::string d = original ? mime::unifiedDiff(original.value(), edited.value(), "original", "version " + std::to_string(version)) : "";
  return {Outcome::Done, "", version, d};
}

common::Result<std::string> QuarantineService::diff(int64_t id) {
  auto read = deps_.messages->get(id);
  if (!read) return read.status();
  const auto& m = read.value();
  if (!m) return common::Result<std::string>::error("no message " + std::to_string(id));
  auto original = deps_.spool->readRaw(m->spoolName);
  if (!original) return original.status();
  auto current = readCurrent(*m);
  if (!current) return current.status();
  return mime::unifiedDiff(original.value(), current.value(), "original", "version " + std::to_string(m->currentVersion));
}

common::Result<std::string> QuarantineService::rawMessage(int64_t id, bool original) {
  auto read = deps_.messages->get(id);
  if (!read) return read.status();
  const auto& m = read.value();
  if (!m) return common::Result<std::string>::error("no message " + std::to_string(id));
  return original ? deps_.spool->readRaw(m->spoolName) : readCurrent(*m);
}

int QuarantineService::releaseDueAutoReleases() {
  int n = 0;
  auto due = deps_.messages->dueForAutoRelease(deps_.clock->nowMillis(), 50);
  if (!due) {
    log().error("auto-release: " + due.errorMessage());
    return 0;
  }
  for (int64_t id : due.value()) {
    auto m = deps_.messages->get(id);
    if (!m || !m.value()) continue;
    const Actor actor{"rule:" + m.value()->ruleName, "system"};
    const auto r = release(id, actor);
    if (r.outcome == Outcome::Done) ++n;
  }
  return n;
}

}  // namespace mg::quarantine
