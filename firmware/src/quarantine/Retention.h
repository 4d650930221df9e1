#pragma once
// Retention (CONTRACT §2 [retention]): done mail (released, discarded, relayed) and its spool
// files are purged after done_max_age_days or beyond done_max_messages; held mail older than
// held_max_age_days (when set) is discarded through the quarantine service, audited and
// notified. Work goes in small batches, each one short transaction, so a purge of 100,000
// messages never holds the store (and with it the SMTP 250) for long.
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/Clock.h"
#include "common/Settings.h"
#include "common/Status.h"
#include "quarantine/Notifier.h"
#include "quarantine/QuarantineService.h"
#include "spool/Spool.h"
#include "store/RetentionRepository.h"

namespace mg::quarantine {

struct RetentionPlan {
  std::vector<store::PurgeCandidate> purge;   // done mail that would be deleted
  std::vector<store::PurgeCandidate> expire;  // held mail that would be discarded
};

struct RetentionRun {
  int purged = 0;
  int expired = 0;
  int filesRemoved = 0;
  bool more = false;  // a batch was full: there is more to do
  std::string error;  // the store refused; nothing was half done
};

class Retention {
 public:
  static constexpr int kBatch = 200;
  // How often the scheduler looks when nothing is left over from the last look.
  static constexpr int64_t kCheckEveryMillis = 60'000;

  Retention(QuarantineService& service, std::shared_ptr<store::RetentionRepository> repo,
            std::shared_ptr<spool::Spool> spool, std::shared_ptr<Notifier> notifier, const common::Clock& clock,
            common::RetentionSettings policy);

  // What would go now, changing nothing (`mailgatectl retention --dry-run`), up to `limit` each.
  common::Result<RetentionPlan> plan(int limit);
  // One batch of each kind: finishes interrupted purges, purges done mail, expires held mail.
  RetentionRun runBatch();
  // The scheduler's call, every tick: a batch when the last one was full or a minute passed.
  void tick();

  common::RetentionSettings policy() const;
  void setPolicy(const common::RetentionSettings& policy);

 private:
  int64_t doneBefore(const common::RetentionSettings& p) const;
  int64_t heldBefore(const common::RetentionSettings& p) const;
  static int64_t keepNewest(const common::RetentionSettings& p);
  // Removes the rows' spool files; `gone` gets the rows none of whose files is left.
  int removeFiles(const std::vector<store::PurgeCandidate>& rows, std::vector<int64_t>& gone);

  QuarantineService& service_;
  std::shared_ptr<store::RetentionRepository> repo_;
  std::shared_ptr<spool::Spool> spool_;
  std::shared_ptr<Notifier> notifier_;
  const common::Clock& clock_;
  mutable std::mutex mu_;
  common::RetentionSettings policy_;
  int64_t lastCheck_ = -kCheckEveryMillis;  // steady ms
  bool more_ = true;                        // the first tick looks
  std::mutex runMu_;                        // one batch at a time
};

}  // namespace mg::quarantine
