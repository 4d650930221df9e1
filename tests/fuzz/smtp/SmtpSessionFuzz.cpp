// Arbitrary bytes as a client's side of a conversation: split into lines exactly as the
// server does (LineReader with the session's current limit) and fed to an SmtpSession with a
// delegate that says yes to everything. STARTTLS "succeeds" at once, so the TLS-only paths
// (AUTH) are reachable too. Must never crash, throw, or grow without bound, and keeps the
// invariants below.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "smtp/LineReader.h"
#include "smtp/SmtpSession.h"

namespace {
using namespace mg::smtp;

// The session's invariants, whatever the client sends (a violation aborts: a finding):
//  - a message reaches the delegate only after EHLO/HELO with a name, with 1..maxRecipients
//    recipients and at most maxMessageBytes of content;
//  - a password is checked only on a TLS session;
//  - everything the server writes is complete reply lines "ddd SP|- text CRLF" with a 2xx-5xx
//    code, the same code on every line of a multi-line reply, and no bare CR or LF.
void require(bool ok) {
  if (!ok) std::abort();
}

constexpr size_t kMaxRecipients = 5;
constexpr size_t kMaxMessageBytes = 4096;

class CheckingDelegate : public BufferingDelegate {
 public:
  bool diskHasRoom() override { return true; }
  AuthVerdict authenticate(const std::string& user, const std::string&, const std::string&) override {
    require(tls);
    return user == "u" ? AuthVerdict::Accepted : AuthVerdict::Rejected;
  }
  AcceptResult acceptRaw(const Envelope& env, std::string raw) override {
    require(!env.heloName.empty());
    require(!env.rcptTo.empty() && env.rcptTo.size() <= kMaxRecipients);
    require(raw.size() <= kMaxMessageBytes);
    require(env.tls == tls);
    return {AcceptResult::Kind::Accepted, "250 2.0.0 Ok", "held"};
  }
  bool tls = false;
};

class CheckingOutput : public SmtpSessionOutput {
 public:
  void send(const std::string& wire) override {
    bytes += wire.size();
    std::string_view rest(wire);
    require(!rest.empty());
    std::string_view continuedCode;
    while (!rest.empty()) {
      const size_t end = rest.find("\r\n");
      require(end != std::string_view::npos);  // only whole lines
      const std::string_view line = rest.substr(0, end);
      require(line.size() >= 4 && line[0] >= '2' && line[0] <= '5' && line[1] >= '0' && line[1] <= '9' &&
              line[2] >= '0' && line[2] <= '9' && (line[3] == ' ' || line[3] == '-'));
      require(line.find_first_of("\r\n") == std::string_view::npos);
      if (!continuedCode.empty()) require(line.substr(0, 3) == continuedCode);
      continuedCode = line[3] == '-' ? line.substr(0, 3) : std::string_view();
      rest.remove_prefix(end + 2);
    }
    require(continuedCode.empty());  // a reply never ends in a "ddd-" line
  }
  void startTls() override { tlsRequested = true; }
  void close() override {}
  size_t bytes = 0;
  bool tlsRequested = false;
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  CheckingDelegate delegate;
  CheckingOutput output;
  SessionOptions options;
  options.hostname = "fuzz.test";
  options.maxMessageBytes = kMaxMessageBytes;
  options.maxRecipients = kMaxRecipients;
  options.maxLineBytes = 200;
  options.tlsAvailable = true;
  SmtpSession session(options, delegate, output);
  session.start();
  LineReader reader;
  reader.feed(reinterpret_cast<const char*>(data), size);
  while (!session.closed()) {
    auto line = reader.next(session.lineLimit());
    if (!line) break;
    session.onLine(line->text, line->tooLong);
    if (output.tlsRequested) {
      // The rest of the input plays the part of the TLS stream (the server would drop the
      // plaintext behind STARTTLS; that is LineReader::clear's job, tested elsewhere).
      output.tlsRequested = false;
      delegate.tls = true;
      session.onTlsStarted();
    }
  }
  return 0;
}
