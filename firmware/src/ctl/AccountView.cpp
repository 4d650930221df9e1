#include "ctl/AccountView.h"

#include <algorithm>
#include <sstream>

#include "ctl/TerminalText.h"

namespace mg::ctl {
namespace {

// "2026-01-02T03:04:05Z" → "2026-01-02 03:04": minutes are enough to tell tests apart in
// a table, and the column stays narrow enough for the server to fit on 100 columns.
std::string shortTime(const std::string& iso) {
  if (iso.size() < 16 || iso[10] != 'T') return iso;
  return iso.substr(0, 10) + " " + iso.substr(11, 5);
}

std::string lastTest(const AccountItem& a) {
  if (a.lastTestAt.empty()) return "never";
  const bool passed = !a.lastTestOkAt.empty() && a.lastTestOkAt == a.lastTestAt;
  return (passed ? "ok " : "FAILED ") + shortTime(a.lastTestAt);
}

}  // namespace

std::string AccountView::formatList(const std::vector<AccountItem>& items, size_t width) {
  if (items.empty()) return "no IMAP accounts\n";
  // The server column takes what the fixed columns leave (at least 20).
  const size_t idWidth = 5, nameWidth = 14, tlsWidth = 8, interceptWidth = 9, enabledWidth = 3;
  const size_t testWidth = 23;  // "FAILED 2026-01-02 03:04"
  const size_t fixed = idWidth + nameWidth + tlsWidth + interceptWidth + enabledWidth + testWidth + 6;
  const size_t serverWidth = width > fixed + 20 ? width - fixed : 20;
  std::ostringstream out;
  auto row = [&](const std::string& id, const std::string& name, const std::string& server, const std::string& tls,
                 const std::string& intercept, const std::string& enabled, const std::string& test) {
    std::string idCol = TerminalText::cut(id, idWidth);
    out << std::string(idWidth - std::min(idWidth, TerminalText::width(idCol)), ' ') << idCol << ' '
        << TerminalText::fit(name, nameWidth) << ' ' << TerminalText::fit(server, serverWidth) << ' '
        << TerminalText::fit(tls, tlsWidth) << ' ' << TerminalText::fit(intercept, interceptWidth) << ' '
        << TerminalText::fit(enabled, enabledWidth) << ' ' << TerminalText::cut(test, testWidth) << '\n';
  };
  row("ID", "NAME", "SERVER", "TLS", "INTERCEPT", "ON", "LAST TEST");
  for (const auto& a : items) {
    row(std::to_string(a.id), TerminalText::oneLine(a.name, nameWidth),
        TerminalText::oneLine(a.username + "@" + a.host + ":" + std::to_string(a.port), serverWidth),
        TerminalText::oneLine(a.tls, tlsWidth), TerminalText::oneLine(a.intercept, interceptWidth),
        a.enabled ? "yes" : "no", TerminalText::oneLine(lastTest(a), testWidth));
  }
  // Trailing blanks from padding the last fitted column are harmless but noisy in a pipe.
  std::string text = out.str();
  std::string cleaned;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    while (!line.empty() && line.back() == ' ') line.pop_back();
    cleaned += line + "\n";
  }
  return cleaned;
}

std::string AccountView::formatJsonLines(const std::vector<AccountItem>& items) {
  std::string out;
  for (const auto& a : items) out += a.json + "\n";
  return out;
}

std::string AccountView::formatTest(const std::string& accountLabel, const AccountTestResult& result) {
  std::ostringstream out;
  out << "testing " << TerminalText::oneLine(accountLabel, 80) << "\n";
  for (const auto& s : result.stages) {
    std::string ms = std::to_string(s.ms) + " ms";
    out << "  " << TerminalText::fit(s.name, 11) << ' ' << (s.ok ? "ok     " : "FAILED ") << ' '
        << std::string(ms.size() < 9 ? 9 - ms.size() : 0, ' ') << ms;
    if (!s.error.empty()) out << "  " << TerminalText::oneLine(s.error, 200);
    out << '\n';
  }
  out << (result.ok ? "all stages passed\n" : "the test FAILED\n");
  return out.str();
}

}  // namespace mg::ctl
