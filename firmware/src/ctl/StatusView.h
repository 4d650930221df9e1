#pragma once
// `mailgatectl status`: the daemon's health checks, then the SMTP gate's counters.
#include <string>
#include <utility>
#include <vector>

#include "ctl/ApiJson.h"

namespace mg::ctl {

class StatusView {
 public:
  static std::string formatHealth(const std::string& baseUrl, const HealthReport& health);
  static std::string formatSmtp(const std::vector<std::pair<std::string, std::string>>& smtp);
};

}  // namespace mg::ctl
