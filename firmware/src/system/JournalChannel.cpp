#include "system/JournalChannel.h"

#include <Poco/Message.h>
// Our own CODE_FILE/CODE_LINE (the caller's), not the ones sd_journal_sendv would add (this file).
#define SD_JOURNAL_SUPPRESS_LOCATION
#include <systemd/sd-journal.h>

#include <cerrno>  // program_invocation_short_name
#include <string>
#include <vector>

namespace mg::system {

namespace {
int syslogPriority(Poco::Message::Priority p) {
  switch (p) {
    case Poco::Message::PRIO_FATAL: return 2;
    case Poco::Message::PRIO_CRITICAL: return 2;
    case Poco::Message::PRIO_ERROR: return 3;
    case Poco::Message::PRIO_WARNING: return 4;
    case Poco::Message::PRIO_NOTICE: return 5;
    case Poco::Message::PRIO_INFORMATION: return 6;
    default: return 7;
  }
}
}  // namespace

void JournalChannel::log(const Poco::Message& msg) {
  std::vector<std::string> fields = {
      "MESSAGE=" + msg.getSource() + ": " + msg.getText(),
      "PRIORITY=" + std::to_string(syslogPriority(msg.getPriority())),
      // mailgated or mailgate-led: whichever program this is.
      std::string("SYSLOG_IDENTIFIER=") + program_invocation_short_name,
      "MAILGATE_MODULE=" + msg.getSource(),
  };
  for (const char* key : {"MAILGATE_EVENT", "MAILGATE_EMAIL_ID", "MAILGATE_ACCOUNT"}) {
    if (msg.has(key)) fields.push_back(std::string(key) + "=" + msg.get(key));
  }
  // Where the entry was written, when the caller said (logEvent does; plain logger calls
  // carry no location).
  if (msg.getSourceFile() != nullptr && msg.getSourceLine() > 0) {
    // Relative to the source tree ("firmware/src/quarantine/QuarantineService.cpp"), not the
    // build machine's directory.
    std::string file = msg.getSourceFile();
    if (const auto at = file.rfind("firmware/src/"); at != std::string::npos) file.erase(0, at);
    fields.push_back("CODE_FILE=" + file);
    fields.push_back("CODE_LINE=" + std::to_string(msg.getSourceLine()));
  }
  std::vector<struct iovec> iov;
  iov.reserve(fields.size());
  for (auto& f : fields) iov.push_back({f.data(), f.size()});
  sd_journal_sendv(iov.data(), static_cast<int>(iov.size()));
}

}  // namespace mg::system
