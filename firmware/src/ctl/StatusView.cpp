#include "ctl/StatusView.h"

#include <algorithm>
#include <cstdlib>

#include "ctl/HumanUnits.h"
#include "ctl/TerminalText.h"

namespace mg::ctl {

std::string StatusView::formatHealth(const std::string& baseUrl, const HealthReport& health) {
  std::string out = "mailgated at " + baseUrl + ": " + TerminalText::oneLine(health.status, 32) + "\n";
  size_t nameWidth = 0;
  for (const auto& c : health.checks) nameWidth = std::max(nameWidth, TerminalText::width(c.first));
  for (const auto& [name, state] : health.checks)
    out += "  " + TerminalText::fit(TerminalText::oneLine(name, 32), nameWidth + 2) + TerminalText::oneLine(state, 300) + "\n";
  return out;
}

std::string StatusView::formatSmtp(const std::vector<std::pair<std::string, std::string>>& smtp) {
  std::string out = "smtp\n";
  for (const auto& [key, value] : smtp) {
    std::string shown = TerminalText::oneLine(value.empty() ? "-" : value, 300);
    if (key == "uptime_seconds" && !value.empty()) shown = HumanUnits::duration(std::atoll(value.c_str()));
    std::string label = key == "uptime_seconds" ? "uptime" : key;
    std::replace(label.begin(), label.end(), '_', ' ');
    out += "  " + TerminalText::fit(label, 15) + shown + "\n";
  }
  return out;
}

}  // namespace mg::ctl
