#pragma once
// Fakes for driving an SmtpSession without sockets.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "smtp/SmtpSession.h"

namespace mg::smtp::test {

class RecordingOutput : public SmtpSessionOutput {
 public:
  void send(const std::string& wire) override { wire_ += wire; }
  void startTls() override { ++tlsRequests; }
  void close() override { ++closes; }

  // Everything sent since the last take().
  std::string take() {
    std::string out;
    out.swap(wire_);
    return out;
  }
  // The final lines of the replies sent since the last take(), CRLF stripped.
  std::vector<std::string> takeReplies();

  int tlsRequests = 0;
  int closes = 0;

 private:
  std::string wire_;
};

class FakeDelegate : public BufferingDelegate {
 public:
  bool diskHasRoom() override { return room; }
  AuthVerdict authenticate(const std::string& user, const std::string& password, const std::string& host) override;
  AcceptResult acceptRaw(const Envelope& env, std::string raw) override;

  bool room = true;
  bool throwOnAccept = false;
  std::optional<AuthVerdict> authVerdict;  // set: every AUTH gets this verdict
  std::map<std::string, std::string> users{{"alice", "correct horse"}};
  AcceptResult result{AcceptResult::Kind::Accepted, "250 2.0.0 Ok: held as 42", "held"};
  std::vector<std::pair<Envelope, std::string>> accepted;
};

SessionOptions testOptions();

}  // namespace mg::smtp::test
