#pragma once
// What the EventHub streams, wired to its producers: every message status change and new
// notification (their own observers), watcher states (polled by the hub), health changes
// (told by the app's health monitor through feedHealth).
#include <initializer_list>
#include <memory>
#include <string>

#include <Poco/Dynamic/Var.h>

#include "accounts/WatcherDirectory.h"
#include "quarantine/Notifier.h"
#include "quarantine/QuarantineService.h"
#include "web/EventHub.h"

namespace mg::web {

void feedEvents(const std::shared_ptr<EventHub>& hub, quarantine::QuarantineService& quarantine,
                quarantine::Notifier& notifier, accounts::WatcherDirectory* watchers);
void feedHealth(EventHub& hub, const std::string& status, const std::string& reason);
// One JSON object of the fields, for an event's data line.
std::string eventJson(std::initializer_list<std::pair<const char*, Poco::Dynamic::Var>> fields);

}  // namespace mg::web
