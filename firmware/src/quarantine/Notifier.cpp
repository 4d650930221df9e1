#include "quarantine/Notifier.h"

#include "common/Log.h"

namespace mg::quarantine {

Notifier::Notifier(std::shared_ptr<store::NotificationRepository> repo, const common::Clock& clock)
    : repo_(std::move(repo)), clock_(clock) {}

int64_t Notifier::notify(const std::string& type, const std::string& severity, const std::string& message,
                         int64_t emailId) {
  store::Notification n;
  n.type = type;
  n.severity = severity;
  n.message = message;
  n.emailId = emailId;
  n.createdAt = clock_.nowMillis();
  auto& log = common::logger("notify");
  // A notification the database cannot take (it may be about the full disk itself) still
  // reaches the journal and the live observers; its id is then 0.
  if (auto id = repo_->add(n)) {
    n.id = id.value();
  } else {
    log.error("notification not stored: " + id.errorMessage());
  }
  common::logEvent(log, severity == "critical" ? Poco::Message::PRIO_ERROR : Poco::Message::PRIO_WARNING,
                   {"notification." + type, emailId, ""}, message);
  std::vector<std::function<void(const store::Notification&)>> observers;
  {
    std::lock_guard<std::mutex> lock(mu_);
    observers = observers_;
  }
  for (const auto& fn : observers) fn(n);
  return n.id;
}

void Notifier::subscribe(std::function<void(const store::Notification&)> fn) {
  std::lock_guard<std::mutex> lock(mu_);
  observers_.push_back(std::move(fn));
}

}  // namespace mg::quarantine
