// QuarantineService: the relay queue for mail a `pass` rule let through. Queued mail is
// tried at once, then with exponential backoff; after the last retry it becomes
// relay_failed with a notification, and an operator may release it by hand.
#include <algorithm>

#include "common/Backoff.h"
#include "common/Log.h"
#include "common/Metrics.h"
#include "quarantine/QuarantineService.h"

namespace mg::quarantine {

namespace st = store::status;

int QuarantineService::relayDueMessages() {
  int handled = 0;
  auto due = deps_.messages->dueForRelay(deps_.clock->nowMillis(), 20);
  if (!due) {
    common::logger("quarantine").error("relay queue: " + due.errorMessage());
    return 0;
  }
  for (int64_t id : due.value()) {
    auto read = deps_.messages->get(id);
    if (!read || !read.value()) continue;
    const store::MessageRecord* m = &*read.value();
    DeliveryPort* port = portFor(m->source);
    // Claim it so that an operator's release at the same moment cannot send it twice.
    if (!port) continue;
    auto claimed = deps_.messages->transition(id, {st::kQueued}, st::kReleasing);
    if (!claimed || !claimed.value()) continue;
    DeliveryOutcome out;
    auto raw = readCurrent(*m);
    if (!raw) {
      out.reason = raw.errorMessage();
    } else {
      try {
        out = port->deliver(deliveryRequest(*m, raw.value()));
      } catch (const std::exception& e) {
        out.reason = std::string("delivery failed: ") + e.what();
      }
    }
    finishRelayAttempt(*m, out);
    ++handled;
  }
  return handled;
}

void QuarantineService::finishRelayAttempt(const store::MessageRecord& m, const DeliveryOutcome& out) {
  const int64_t now = deps_.clock->nowMillis();
  if (!out.upstream.empty()) {
    if (auto recorded = deps_.messages->recordRelayAttempt(m.id, out.upstream, now, out.delivered, out.reason); !recorded) {
      common::logger("quarantine").error("message " + std::to_string(m.id) + ": " + recorded.message());
    }
  }
  if (out.delivered) {
    store::MessageRepository::Change c;
    c.failureReason = "";
    c.attempts = m.attempts + 1;
    c.releasedAt = now;
    const bool recorded = finishDelivery(m, st::kRelayed, c, true).empty();
    common::logEvent(common::logger("quarantine"), Poco::Message::PRIO_INFORMATION, {"relay", m.id, ""},
                     "via=" + out.upstream);
    if (recorded) emit(m.id, st::kRelayed);
    return;
  }
  const int attempts = m.attempts + 1;
  store::MessageRepository::Change c;
  c.failureReason = out.reason;
  c.attempts = attempts;
  // A permanent refusal from every relay will not change by waiting.
  if (out.permanent || attempts > static_cast<int>(options().relayRetries)) {
    const bool recorded = finishDelivery(m, st::kRelayFailed, c, false).empty();
    // Refused for good by the upstream (5xx): a bounce, with the upstream's reason.
    deps_.notifier->notify(out.permanent ? "bounce" : "relay_failed", "warning",
                           "message " + std::to_string(m.id) + " could not be relayed after " + std::to_string(attempts) +
                               " attempt(s): " + out.reason,
                           m.id);
    if (recorded) emit(m.id, st::kRelayFailed);
    return;
  }
  const QuarantineOptions opts = options();
  common::Backoff backoff(int64_t(opts.retryBaseSeconds) * 1000, int64_t(opts.retryMaxSeconds) * 1000);
  c.nextAttemptAt = now + backoff.delayMillis(static_cast<unsigned>(attempts - 1));
  const bool recorded = finishDelivery(m, st::kQueued, c, false).empty();
  common::logEvent(common::logger("quarantine"), Poco::Message::PRIO_WARNING, {"relay_retry", m.id, ""},
                   "attempt=" + std::to_string(attempts) + " reason=" + out.reason);
  if (recorded) emit(m.id, st::kQueued);
}

void QuarantineService::waitForRelayWork(int64_t maxMillis) {
  std::unique_lock<std::mutex> lock(wakeMu_);
  wakeCv_.wait_for(lock, std::chrono::milliseconds(std::max<int64_t>(maxMillis, 0)), [this] { return relayWork_; });
  relayWork_ = false;
}

void QuarantineService::wakeRelayWorker() {
  {
    std::lock_guard<std::mutex> lock(wakeMu_);
    relayWork_ = true;
  }
  wakeCv_.notify_all();
}

}  // namespace mg::quarantine
