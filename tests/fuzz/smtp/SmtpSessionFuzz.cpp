// Arbitrary bytes as a client's side of a conversation: split into lines exactly as the
// server does (LineReader with the session's current limit) and fed to an SmtpSession with a
// delegate that says yes to everything. STARTTLS "succeeds" at once, so the TLS-only paths
// (AUTH) are reachable too. Must never crash, throw, or grow without bound.
#include <cstddef>
#include <cstdint>
#include <string>

#include "smtp/LineReader.h"
#include "smtp/SmtpSession.h"

namespace {

using namespace mg::smtp;

class NullDelegate : public SmtpSessionDelegate {
 public:
  bool diskHasRoom() override { return true; }
  AuthVerdict authenticate(const std::string& user, const std::string&, const std::string&) override {
    return user == "u" ? AuthVerdict::Accepted : AuthVerdict::Rejected;
  }
  AcceptResult acceptMessage(const Envelope&, std::string) override {
    return {AcceptResult::Kind::Accepted, "250 2.0.0 Ok", "held"};
  }
};

class NullOutput : public SmtpSessionOutput {
 public:
  void send(const std::string& wire) override { bytes += wire.size(); }
  void startTls() override { tlsRequested = true; }
  void close() override {}
  size_t bytes = 0;
  bool tlsRequested = false;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  NullDelegate delegate;
  NullOutput output;
  SessionOptions options;
  options.hostname = "fuzz.test";
  options.maxMessageBytes = 4096;
  options.maxRecipients = 5;
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
      session.onTlsStarted();
    }
  }
  return 0;
}
