#include "ctl/MessageView.h"

#include "common/Text.h"
#include "ctl/HumanUnits.h"
#include "ctl/TerminalText.h"

namespace mg::ctl {
namespace {

// The headers that say who and what; the rest (Received, DKIM…) is in the web UI and /raw.
const char* const kSummaryHeaders[] = {"From", "Sender", "Reply-To", "To", "Cc", "Subject", "Date"};

std::string line(const std::string& label, const std::string& value) {
  return TerminalText::fit(label + ":", 13) + " " + value + "\n";
}

std::string joined(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values) out += (out.empty() ? "" : ", ") + TerminalText::oneLine(v, 200);
  return out;
}

}  // namespace

std::string MessageView::format(const MessageDetail& m, int64_t nowMillis) {
  const auto& s = m.summary;
  std::string out = "Message " + std::to_string(s.id) + " — " + TerminalText::oneLine(s.status, 32) + " (" +
                    TerminalText::oneLine(s.source, 16) + ")\n";
  std::string received = TerminalText::oneLine(s.receivedAt, 64);
  if (s.receivedAtMillis) received += " (" + HumanUnits::age((nowMillis - *s.receivedAtMillis) / 1000) + " ago)";
  out += line("Received", received);
  if (!s.messageId.empty()) out += line("Message-ID", TerminalText::oneLine(s.messageId, 200));
  out += line("Size", HumanUnits::size(s.size) + (m.versions > 1 ? ", " + std::to_string(m.versions) + " versions (edited)" : ""));
  if (!m.failureReason.empty()) out += line("Failed", TerminalText::oneLine(m.failureReason, 400));

  out += "\nEnvelope\n";
  out += line("  MAIL FROM", m.mailFrom.empty() ? "<>" : TerminalText::oneLine(m.mailFrom, 200));
  out += line("  RCPT TO", joined(m.rcptTo));

  out += "\nHeaders\n";
  bool anyHeader = false;
  for (const char* wanted : kSummaryHeaders) {
    for (const auto& [name, value] : m.headers) {
      if (!common::iequals(name, wanted)) continue;
      out += line("  " + std::string(wanted), TerminalText::oneLine(value, 400));
      anyHeader = true;
    }
  }
  if (!anyHeader) out += "  (none of From, To, Subject, Date)\n";

  if (!m.attachments.empty()) {
    out += "\nAttachments\n";
    for (const auto& a : m.attachments) {
      out += "  " + TerminalText::oneLine(a.filename.empty() ? "(unnamed)" : a.filename, 80) + "  " +
             TerminalText::oneLine(a.contentType, 80) + "  " + HumanUnits::size(a.size) + "\n";
    }
  }

  out += "\n";
  if (m.htmlPresent) out += "(an HTML part is present: see it in the web UI)\n";
  if (m.text.empty()) {
    out += "(no text part)\n";
  } else {
    out += "----- text -----\n" + TerminalText::block(m.text);
    if (out.back() != '\n') out += "\n";
  }
  return out;
}

}  // namespace mg::ctl
