#include "ctl/HeldTable.h"

#include <algorithm>

#include "ctl/HumanUnits.h"
#include "ctl/TerminalText.h"

namespace mg::ctl {

std::string HeldTable::format(const std::vector<MessageSummary>& items, int64_t nowMillis, size_t width) {
  if (items.empty()) return "no held messages\n";
  width = std::max(width, kMinWidth);

  size_t idWidth = 2, statusWidth = 6, ageWidth = 3;
  std::vector<std::string> ages;
  for (const auto& m : items) {
    idWidth = std::max(idWidth, std::to_string(m.id).size());
    statusWidth = std::max(statusWidth, TerminalText::width(TerminalText::oneLine(m.status, 16)));
    ages.push_back(m.receivedAtMillis ? HumanUnits::age((nowMillis - *m.receivedAtMillis) / 1000) : "?");
    ageWidth = std::max(ageWidth, ages.back().size());
  }
  // Four gaps of two spaces between five columns.
  const size_t fixed = idWidth + statusWidth + ageWidth + 8;
  const size_t rest = width > fixed + 20 ? width - fixed : 20;
  const size_t fromWidth = std::min<size_t>(32, rest * 2 / 5);
  const size_t subjectWidth = rest - fromWidth;

  auto row = [&](const std::string& id, const std::string& status, const std::string& age, const std::string& from,
                 const std::string& subject) {
    std::string line = std::string(idWidth - std::min(idWidth, id.size()), ' ') + id + "  " +
                       TerminalText::fit(status, statusWidth) + "  " + TerminalText::fit(age, ageWidth) + "  " +
                       TerminalText::fit(from, fromWidth) + "  " + TerminalText::cut(subject, subjectWidth);
    while (!line.empty() && line.back() == ' ') line.pop_back();
    return line + "\n";
  };

  std::string out = row("ID", "STATUS", "AGE", "FROM", "SUBJECT");
  for (size_t i = 0; i < items.size(); ++i) {
    const auto& m = items[i];
    out += row(std::to_string(m.id), TerminalText::oneLine(m.status, 16), ages[i], TerminalText::oneLine(m.from, 200),
               TerminalText::oneLine(m.subject.empty() ? "(no subject)" : m.subject, 400));
  }
  return out;
}

std::string HeldTable::formatJsonLines(const std::vector<MessageSummary>& items) {
  std::string out;
  for (const auto& m : items) out += m.json + "\n";
  return out;
}

}  // namespace mg::ctl
