#pragma once
// What a configuration reload changes: the keys whose values differ between the settings in
// force and the file just read, split into those the daemon applies live and those that wait
// for a restart (a listener's address, the data directory, TLS files …).
#include <string>
#include <vector>

#include "common/Settings.h"

namespace mg::app {

struct SettingsDiff {
  std::vector<std::string> live;            // "smtp.default_action", "upstream.primary", "limits.release_per_minute"
  std::vector<std::string> needsRestart;    // "smtp.listen", "web.tls"
  bool empty() const { return live.empty() && needsRestart.empty(); }
};

SettingsDiff diffSettings(const common::Settings& running, const common::Settings& next);

}  // namespace mg::app
