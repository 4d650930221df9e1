// Whole DATA phases: a fixed prologue (EHLO, MAIL, RCPT, DATA) and then the fuzzer's bytes as
// the client's, split exactly as the server splits them. The property is the one SMTP
// smuggling breaks: one DATA is one message, and it ends exactly at the first <CRLF>.<CRLF>.
//  - no <CRLF>.<CRLF> at all: no message, whatever else the bytes say;
//  - the first message (if any) has exactly the bytes before it (dot-unstuffed; under
//    `normalize` with bare CR/LF made CRLF, so the bytes other than CR, LF and '.' agree);
//  - under `reject`, a bare CR or LF before it means no message at all and a closed session;
//  - never more messages than "<LF>.<CRLF>" sequences in the input (a later DATA command may
//    itself end in a bare LF, as commands may; its data then starts right after it).
// The first input byte picks the policy. A violated property aborts (a libFuzzer finding).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "smtp/LineReader.h"
#include "smtp/SmtpSession.h"

namespace {

using namespace mg::smtp;

class RecordingDelegate : public BufferingDelegate {
 public:
  bool diskHasRoom() override { return true; }
  AuthVerdict authenticate(const std::string&, const std::string&, const std::string&) override {
    return AuthVerdict::Rejected;
  }
  AcceptResult acceptRaw(const Envelope& env, std::string raw) override {
    messages.emplace_back(env.mailFrom, std::move(raw));
    return {AcceptResult::Kind::Accepted, "250 2.0.0 Ok", "held"};
  }
  std::vector<std::pair<std::string, std::string>> messages;
};

class NullOutput : public SmtpSessionOutput {
 public:
  void send(const std::string&) override {}
  void startTls() override {}
  void close() override {}
};

void require(bool ok) {
  if (!ok) std::abort();
}

std::string withoutCrLfDot(const std::string& s) {
  std::string out;
  for (const char c : s) {
    if (c != '\r' && c != '\n' && c != '.') out += c;
  }
  return out;
}

std::string unstuffed(const std::string& data) {  // CRLF lines; a leading dot removed
  std::string out;
  size_t start = 0;
  while (start < data.size()) {
    const size_t end = data.find("\r\n", start);
    std::string line = data.substr(start, end - start);
    if (line.size() > 1 && line[0] == '.') line.erase(0, 1);
    out += line + "\r\n";
    start = end + 2;
  }
  return out;
}

bool hasBareCrOrLf(const std::string& s) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r' && (i + 1 >= s.size() || s[i + 1] != '\n')) return true;
    if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r')) return true;
  }
  return false;
}

// A line the transport cuts (longer than the limit): a bare CR in its dropped tail is never
// seen, and the message is refused for its length instead (552) — no message either way.
bool hasOverlongLine(const std::string& s, size_t maxText) {
  size_t start = 0;
  for (size_t lf = s.find('\n'); lf != std::string::npos; lf = s.find('\n', start)) {
    if (lf - start > maxText) return true;
    start = lf + 1;
  }
  return s.size() - start > maxText;
}

size_t count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const bool normalize = (data[0] & 1) != 0;
  const std::string input(reinterpret_cast<const char*>(data) + 1, size - 1);

  RecordingDelegate delegate;
  NullOutput output;
  SessionOptions options;
  options.hostname = "fuzz.test";
  options.maxMessageBytes = 1 << 16;
  options.maxLineBytes = 1000;
  options.maxErrors = 1000;
  options.bareNewline = normalize ? BareNewline::Normalize : BareNewline::Reject;
  SmtpSession session(options, delegate, output);
  session.start();
  for (const char* line : {"EHLO c.test", "MAIL FROM:<first@x.test>", "RCPT TO:<b@y.test>", "DATA"}) {
    session.onLine(line);
  }
  require(session.inData());
  LineReader reader;
  reader.feed(input.data(), input.size());
  // Whether the first DATA (the prologue's) made a message: later transactions the input
  // opens may make messages too, and only the first is judged against the first terminator.
  bool firstDataEnded = false;
  size_t firstDataMessages = 0;
  while (!session.closed()) {
    auto line = reader.next(session.lineLimit());
    if (!line) break;
    session.onLine(line->text, line->tooLong, line->crlf);
    if (!firstDataEnded && !session.inData()) {
      firstDataEnded = true;
      firstDataMessages = delegate.messages.size();
    }
  }

  // The DATA command's own CRLF comes before the data: "\r\n" + input is the stream to search.
  const std::string stream = "\r\n" + input;
  const size_t end = stream.find("\r\n.\r\n");
  require(delegate.messages.size() <= count(stream, "\n.\r\n"));
  if (end == std::string::npos) {
    require(delegate.messages.empty());
    return 0;
  }
  const std::string body = stream.substr(2, end);  // the data with its last CRLF, "" when end == 0
  require(firstDataEnded);  // a terminator was there: the first DATA cannot still be open
  if (!normalize && hasBareCrOrLf(body)) {
    require(firstDataMessages == 0);
    require(session.closed() || hasOverlongLine(body, options.maxLineBytes - 2));
    return 0;
  }
  if (firstDataMessages == 0) return 0;  // refused for a limit (size, line length, hops)
  const auto& [from, raw] = delegate.messages.front();
  require(from == "first@x.test");
  if (normalize) {
    require(withoutCrLfDot(raw) == withoutCrLfDot(body));
  } else {
    require(raw == unstuffed(body));
  }
  return 0;
}
