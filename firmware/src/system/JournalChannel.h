#pragma once
// A Poco channel writing to the systemd journal with mailgate's structured fields
// (MAILGATE_EVENT, MAILGATE_EMAIL_ID, MAILGATE_ACCOUNT), so that
// `journalctl -u mailgated MAILGATE_EVENT=release` finds every release.
#include <Poco/Channel.h>

namespace mg::system {

class JournalChannel final : public Poco::Channel {
 public:
  void log(const Poco::Message& msg) override;
  static Poco::Channel* create() { return new JournalChannel; }
};

}  // namespace mg::system
