#pragma once
// Operator notifications: a row the UI/API lists, a log line, and an event for live views.
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/Clock.h"
#include "store/NotificationRepository.h"

namespace mg::quarantine {

class Notifier {
 public:
  Notifier(std::shared_ptr<store::NotificationRepository> repo, const common::Clock& clock);
  int64_t notify(const std::string& type, const std::string& severity, const std::string& message, int64_t emailId = 0);
  // Observers are told of each new notification (SSE, D-Bus later).
  void subscribe(std::function<void(const store::Notification&)> fn);

 private:
  std::shared_ptr<store::NotificationRepository> repo_;
  const common::Clock& clock_;
  std::mutex mu_;
  std::vector<std::function<void(const store::Notification&)>> observers_;
};

}  // namespace mg::quarantine
