#include "common/Log.h"

#include <Poco/AutoPtr.h>
#include <Poco/ConsoleChannel.h>
#include <Poco/FormattingChannel.h>
#include <Poco/Message.h>
#include <Poco/PatternFormatter.h>

namespace mg::common {

void logEvent(Poco::Logger& log, Poco::Message::Priority prio, const LogFields& fields, const std::string& text,
              const char* file, int line) {
  if (!log.is(prio)) return;
  std::string out = text;
  if (!fields.event.empty()) out = "event=" + fields.event + " " + out;
  if (fields.emailId != 0) out += " email_id=" + std::to_string(fields.emailId);
  if (!fields.account.empty()) out += " account=" + fields.account;
  Poco::Message msg(log.name(), out, prio, file, line);
  if (!fields.event.empty()) msg.set("MAILGATE_EVENT", fields.event);
  if (fields.emailId != 0) msg.set("MAILGATE_EMAIL_ID", std::to_string(fields.emailId));
  if (!fields.account.empty()) msg.set("MAILGATE_ACCOUNT", fields.account);
  log.log(msg);
}

void setupLogging(const std::string& target, const std::string& level, ChannelFactory journal) {
  Poco::AutoPtr<Poco::Channel> channel;
  if (target == "journal" && journal != nullptr) {
    channel = journal();
  } else {
    Poco::AutoPtr<Poco::PatternFormatter> fmt(new Poco::PatternFormatter("%Y-%m-%d %H:%M:%S.%i %p %s: %t"));
    Poco::AutoPtr<Poco::Channel> console(new Poco::ConsoleChannel);
    channel = new Poco::FormattingChannel(fmt, console);
  }
  Poco::Logger::root().setChannel(channel);
  Poco::Logger::root().setLevel(level);
  // Loggers made before this call keep their old channel; bring the module loggers along.
  Poco::Logger::setChannel("", channel);
  Poco::Logger::setLevel("", Poco::Logger::parseLevel(level));
}

void setLogLevel(const std::string& level) {
  Poco::Logger::root().setLevel(level);
  Poco::Logger::setLevel("", Poco::Logger::parseLevel(level));
}

}  // namespace mg::common
