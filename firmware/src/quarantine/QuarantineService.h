#pragma once
// The held-message state machine (CONTRACT §3) and the only place a message's status
// changes. Web handlers, the CLI (through the API), auto-release, the relay queue and
// recovery all come here. Each transition is one guarded UPDATE (store::MessageRepository::
// transition): the caller that changes zero rows lost the race.
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/Clock.h"
#include "common/Status.h"
#include "mime/MessageSummary.h"
#include "quarantine/Actor.h"
#include "quarantine/DeliveryPort.h"
#include "quarantine/Notifier.h"
#include "quarantine/RuleBook.h"
#include "common/AttemptLimiter.h"
#include "spool/Spool.h"
#include "store/AuditRepository.h"
#include "store/MessageRepository.h"
#include "store/RetentionRepository.h"

namespace mg::quarantine {

struct QuarantineDeps {
  std::shared_ptr<store::MessageRepository> messages;
  std::shared_ptr<store::AuditRepository> audit;
  std::shared_ptr<spool::Spool> spool;
  std::shared_ptr<RuleBook> rules;
  std::shared_ptr<Notifier> notifier;
  const common::Clock* clock = &common::SystemClock::instance();
  // Optional: tells a purged message (410) from one that never was (404) for undiscard.
  std::shared_ptr<store::RetentionRepository> retention;
};

struct QuarantineOptions {
  std::string defaultAction = "hold";
  unsigned relayRetries = 6;
  unsigned retryBaseSeconds = 30;
  unsigned retryMaxSeconds = 3600;
};

struct IntakeRequest {
  std::string source = "smtp";
  int64_t accountId = 0;
  std::string mailFrom;
  std::vector<std::string> rcptTo;
  std::string raw;
  bool flagged = false;  // IMAP \Flagged
  int64_t imapUid = 0;
  int64_t imapUidValidity = 0;
  // SMTP: how the message reached the gate, for the Received: header added when it is relayed.
  std::string smtpHelo;
  std::string smtpClient;    // address without the port
  std::string smtpProtocol;  // smtp::Envelope::protocol()
  bool smtpUtf8 = false;
};

struct IntakeResult {
  int64_t id = 0;
  std::string status;  // held | queued
  std::string ruleName;
};

// Unavailable: the store could not be read or written before anything changed (disk full,
// I/O error); the message is as it was and the call may be repeated. Gone: retention purged
// the message (or its bytes), so it cannot be brought back.
enum class Outcome { Done, AlreadyDone, NotFound, Conflict, Failed, Invalid, Unavailable, Gone };

struct ActionResult {
  Outcome outcome = Outcome::Done;
  int64_t id = 0;
  std::string status;  // the message's status afterwards
  std::string detail;  // why, for anything but Done
  // Set when what happened is not yet in the database (it refused the write): the outcome is
  // kept and written as soon as the store takes it, and at the latest by start-up recovery.
  std::string unrecorded;
};

struct EditResult {
  Outcome outcome = Outcome::Done;
  std::string detail;
  int version = 0;
  std::string diff;  // unified diff original → new current version
};

class QuarantineService {
 public:
  // What is stored of Subject, From, To, Message-ID and the content note for the list; the
  // detail view parses the message itself.
  static constexpr size_t kListFieldBytes = 1000;
  // Message-ID, From, To and Subject of the record, from the summary, cut to kListFieldBytes.
  static void setListFields(store::MessageRecord& m, const mime::MessageSummary& s);

  QuarantineService(QuarantineDeps deps, QuarantineOptions options);

  void setDeliveryPort(const std::string& source, DeliveryPort* port);

  // Spool (fsynced) → summary → rules → row committed. Only after this returns ok may the
  // SMTP gate answer 250. Pass mail is queued and the relay worker woken.
  common::Result<IntakeResult> accept(const IntakeRequest& request);
  // The same for a message that was streamed into the spool as it arrived (SMTP DATA):
  // `request.raw` is not used; `message` is committed (made durable) here, then parsed from
  // its file.
  common::Result<IntakeResult> acceptStreamed(const IntakeRequest& request, spool::SpoolWriter& message);
  // Messages parsed at once at intake, and apart from it for views (the API's message view,
  // rules dry runs), so that browsing never delays a client's end of DATA: one at a time in
  // each keeps the peak at a message's worth of pages however many clients send at once
  // (DESIGN §1, static footprint).
  static constexpr unsigned kParseSlots = 1;
  spool::Spool& spool() { return *deps_.spool; }  // where the gate streams DATA (Spool::begin)

  ActionResult release(int64_t id, const Actor& actor, const std::optional<std::vector<std::string>>& to = {});
  ActionResult discard(int64_t id, const Actor& actor);
  // discarded → held, while retention has not purged it: the bytes are all still there
  // (CONTRACT §3). AlreadyDone for a held message, Gone once purged.
  ActionResult undiscard(int64_t id, const Actor& actor);
  EditResult edit(int64_t id, const Actor& actor, const std::optional<std::string>& subject,
                  const std::optional<std::string>& text);
  common::Result<std::string> diff(int64_t id);
  common::Result<std::string> rawMessage(int64_t id, bool original);
  // Where the bytes of a message's current (or original) version are, and their summary
  // parsed from that file (in one of the view slots).
  common::Result<spool::RawLocation> locate(const store::MessageRecord& m, bool original);
  common::Result<mime::MessageSummary> parse(const spool::RawLocation& where, bool withHtml = false);

  // What a delivery port is handed for message `m` with the bytes `raw` of its current version.
  static DeliveryRequest deliveryRequest(const store::MessageRecord& m, std::string_view raw);

  // Tests only: runs inside release(), after the message was read and before it is claimed,
  // so that a test can put a concurrent edit exactly into that window.
  void setBeforeClaimHookForTest(std::function<void(int64_t)> hook) { beforeClaimForTest_ = std::move(hook); }

  // Background work, one step each (the Scheduler calls them; tests call them directly).
  int releaseDueAutoReleases();
  int relayDueMessages();
  // Writes the outcomes of deliveries the store refused to record; the number still waiting.
  size_t recordPendingOutcomes();
  size_t pendingOutcomes();

  // Start-up: messages stuck in `releasing`, and spool files without a row.
  struct RecoveryReport {
    int interruptedReleases = 0;
    int recovered = 0;
    int duplicates = 0;
    int unreadable = 0;
    int unparsed = 0;  // recovered without parsing: the last start died while parsing them
    int deliveredUnrecorded = 0;  // releasing, but the spool's delivered marker says it went out
  };
  RecoveryReport recoverAtStart();

  // Told of every status change: (id, new status).
  void subscribe(std::function<void(int64_t, const std::string&)> fn);
  void waitForRelayWork(int64_t maxMillis);  // returns early when accept() queues pass mail
  void wakeRelayWorker();

  store::MessageRepository& messages() { return *deps_.messages; }
  RuleBook& ruleBook() { return *deps_.rules; }
  QuarantineOptions options() const;
  // A configuration reload: the default action and the retry policy change for what comes
  // next; messages already waiting keep their scheduled attempt.
  void setOptions(QuarantineOptions options);

 private:
  common::Result<IntakeResult> admit(const IntakeRequest& request, const spool::WrittenEntry& written);
  void audit(const Actor& actor, const std::string& action, int64_t emailId, const std::string& details);
  void emit(int64_t id, const std::string& status);
  DeliveryPort* portFor(const std::string& source);
  common::Result<std::string> currentSpoolName(const store::MessageRecord& m);
  common::Result<std::string> readCurrent(const store::MessageRecord& m);  // the current version's bytes
  void finishRelayAttempt(const store::MessageRecord& m, const DeliveryOutcome& out);
  // The status change that ends a delivery attempt (releasing → to). When the store refuses
  // it, it is retried at once, then kept in pendingOutcomes_ for the scheduler; a delivered
  // message also gets the spool's delivered marker for recovery. Empty, or why it is pending.
  std::string finishDelivery(const store::MessageRecord& m, const std::string& to,
                             const store::MessageRepository::Change& change, bool delivered);

  struct PendingOutcome {
    int64_t id = 0;
    std::string spoolName;
    std::string to;
    store::MessageRepository::Change change;
    bool delivered = false;
  };
  QuarantineDeps deps_;
  common::WorkSlots intakeParses_{kParseSlots};
  common::WorkSlots viewParses_{kParseSlots};
  mutable std::mutex optionsMu_;
  QuarantineOptions options_;  // guarded by optionsMu_ (a reload replaces it)
  std::function<void(int64_t)> beforeClaimForTest_;
  std::mutex mu_;
  std::map<std::string, DeliveryPort*> ports_;
  std::vector<PendingOutcome> pendingOutcomes_;
  std::vector<std::function<void(int64_t, const std::string&)>> observers_;
  std::mutex wakeMu_;
  std::condition_variable wakeCv_;
  bool relayWork_ = false;
};

std::string toString(Outcome o);

}  // namespace mg::quarantine
