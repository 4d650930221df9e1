#include "quarantine/Retention.h"

#include <algorithm>
#include <cstdint>

#include "common/Log.h"
#include "common/Metrics.h"

namespace mg::quarantine {
namespace {

constexpr int64_t kDayMillis = 24LL * 3600 * 1000;

Poco::Logger& log() { return common::logger("quarantine"); }

}  // namespace

Retention::Retention(QuarantineService& service, std::shared_ptr<store::RetentionRepository> repo,
                     std::shared_ptr<spool::Spool> spool, std::shared_ptr<Notifier> notifier, const common::Clock& clock,
                     common::RetentionSettings policy)
    : service_(service),
      repo_(std::move(repo)),
      spool_(std::move(spool)),
      notifier_(std::move(notifier)),
      clock_(clock),
      policy_(policy) {}

common::RetentionSettings Retention::policy() const {
  std::lock_guard<std::mutex> lock(mu_);
  return policy_;
}

void Retention::setPolicy(const common::RetentionSettings& policy) {
  std::lock_guard<std::mutex> lock(mu_);
  policy_ = policy;
  more_ = true;  // a tighter policy applies at the next tick
}

// 0 means "off" for each limit, as for held_max_age_days: a purge cannot be undone, so no
// value may mean "everything, now".
int64_t Retention::doneBefore(const common::RetentionSettings& p) const {
  if (p.doneMaxAgeDays == 0) return 0;
  return clock_.nowMillis() - static_cast<int64_t>(p.doneMaxAgeDays) * kDayMillis;
}

int64_t Retention::keepNewest(const common::RetentionSettings& p) {
  return p.doneMaxMessages == 0 ? INT64_MAX : static_cast<int64_t>(p.doneMaxMessages);
}

int64_t Retention::heldBefore(const common::RetentionSettings& p) const {
  return clock_.nowMillis() - static_cast<int64_t>(p.heldMaxAgeDays) * kDayMillis;
}

common::Result<RetentionPlan> Retention::plan(int limit) {
  const auto p = policy();
  RetentionPlan out;
  auto done = repo_->doneToPurge(doneBefore(p), keepNewest(p), limit);
  if (!done) return done.status();
  out.purge = std::move(done).value();
  if (p.heldMaxAgeDays > 0) {
    auto held = repo_->heldOlderThan(heldBefore(p), limit);
    if (!held) return held.status();
    out.expire = std::move(held).value();
  }
  return out;
}

int Retention::removeFiles(const std::vector<store::PurgeCandidate>& rows, std::vector<int64_t>& gone) {
  int removed = 0;
  for (const auto& r : rows) {
    bool all = true;
    for (const auto& name : r.spoolNames) {
      if (!spool_->exists(name)) continue;
      if (spool_->remove(name).ok()) ++removed;
      else all = false;
    }
    // A row whose file could not be removed stays marked: deleting it would leave a file
    // that start-up recovery takes for new mail.
    if (all) gone.push_back(r.id);
  }
  // The removals are durable before the rows go, for the same reason after a power cut.
  if (removed > 0 && !spool_->syncDir().ok()) gone.clear();
  return removed;
}

RetentionRun Retention::runBatch() {
  std::lock_guard<std::mutex> run(runMu_);
  const auto p = policy();
  RetentionRun out;
  // 1. Rows marked by an earlier run that did not finish (a crash, a full disk).
  auto leftover = repo_->purging(kBatch);
  if (!leftover) {
    out.error = leftover.errorMessage();
    return out;
  }
  // 2. Done mail past the policy: marked first, so nothing can bring it back while its files go.
  auto due = repo_->doneToPurge(doneBefore(p), keepNewest(p), kBatch);
  if (!due) {
    out.error = due.errorMessage();
    return out;
  }
  auto marked = repo_->markPurging(due.value());
  if (!marked) {
    out.error = marked.errorMessage();
    return out;
  }
  std::vector<store::PurgeCandidate> toDelete = leftover.value();
  for (const auto& c : due.value()) {
    if (std::find(marked.value().begin(), marked.value().end(), c.id) != marked.value().end()) toDelete.push_back(c);
  }
  std::vector<int64_t> ids;
  out.filesRemoved = removeFiles(toDelete, ids);
  if (auto st = repo_->deletePurged(ids); !st.ok()) {
    out.error = st.message();  // the rows stay marked; the next run finishes them
    return out;
  }
  out.purged = static_cast<int>(ids.size());
  out.more = due.value().size() >= static_cast<size_t>(kBatch) || leftover.value().size() >= static_cast<size_t>(kBatch);
  // 3. Held mail past held_max_age_days: discarded as an operator would, audited.
  if (p.heldMaxAgeDays > 0) {
    auto expired = repo_->heldOlderThan(heldBefore(p), kBatch);
    if (!expired) {
      out.error = expired.errorMessage();
      return out;
    }
    const Actor actor{"retention", "system"};
    for (const auto& c : expired.value()) {
      if (service_.discard(c.id, actor).outcome == Outcome::Done) ++out.expired;
    }
    out.more = out.more || expired.value().size() >= static_cast<size_t>(kBatch);
    if (out.expired > 0 && notifier_) {
      notifier_->notify("held_expired", "warning",
                        std::to_string(out.expired) + " held message(s) older than " + std::to_string(p.heldMaxAgeDays) +
                            " days were discarded by retention (held_max_age_days); undiscard brings one back");
    }
  }
  if (out.purged > 0) {
    common::Metrics::global().increment("mailgate_retention_purged_total", {}, out.purged);
    common::logEvent(log(), Poco::Message::PRIO_INFORMATION, {"retention", 0, ""},
                     "purged=" + std::to_string(out.purged) + " files=" + std::to_string(out.filesRemoved));
  }
  return out;
}

void Retention::tick() {
  const int64_t now = clock_.steadyMillis();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!more_ && now - lastCheck_ < kCheckEveryMillis) return;
    lastCheck_ = now;
  }
  const RetentionRun r = runBatch();
  std::lock_guard<std::mutex> lock(mu_);
  more_ = r.error.empty() && r.more;
  if (!r.error.empty()) log().warning("retention: " + r.error + " (tried again in a minute)");
}

}  // namespace mg::quarantine
