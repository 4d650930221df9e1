#pragma once
// Logging: one Poco::Logger per module ("mg.smtp", "mg.quarantine" …). The app installs the
// channel (journal or console); modules only ask for their logger and add structured fields.
#include <Poco/Logger.h>

#include <string>

namespace mg::common {

inline Poco::Logger& logger(const std::string& module) { return Poco::Logger::get("mg." + module); }

// Structured fields travel in the message's parameters so the journal channel can turn them
// into MAILGATE_EVENT / MAILGATE_EMAIL_ID / MAILGATE_ACCOUNT; the console prints them as k=v.
struct LogFields {
  std::string event;
  long long emailId = 0;
  std::string account;
};
// The caller's file and line travel along (the journal's CODE_FILE / CODE_LINE).
void logEvent(Poco::Logger& log, Poco::Message::Priority prio, const LogFields& fields, const std::string& text,
              const char* file = __builtin_FILE(), int line = __builtin_LINE());

// Installs the console or journal channel on the root logger at `level`.
using ChannelFactory = Poco::Channel* (*)();
void setupLogging(const std::string& target, const std::string& level, ChannelFactory journal = nullptr);
// A configuration reload: every logger at `level` ("information", "debug" …).
void setLogLevel(const std::string& level);

}  // namespace mg::common
