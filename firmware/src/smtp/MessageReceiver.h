#pragma once
// Turns the lines of DATA (RFC 5321 §4.5.2 dot-unstuffing) into the raw message with CRLF
// line ends, written to a MessageSink in pieces of kChunkBytes (the gate's sink is a spool
// file: memory per session stays at one chunk however big the message), and enforces the
// size and line-length limits: once the message is over its limit the bytes are counted but
// no longer passed on, so that the session can read on to the end dot and then answer 552 in
// step with the client (it drops the sink then).
//
// Only <CR><LF>.<CR><LF> ends DATA (RFC 5321 §4.1.1.4). A bare LF or a bare CR is either
// refused (the default, as Postfix's smtpd_forbid_bare_newline) or turned into CRLF; it never
// ends the message, so "\n.\n" cannot smuggle a second transaction in (CVE-2023-51764 & co).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "smtp/MessageSink.h"

namespace mg::smtp {

enum class BareNewline { Reject, Normalize };

class MessageReceiver {
 public:
  struct Limits {
    uint64_t maxBytes = 26214400;
    size_t maxLineBytes = 1000;
    BareNewline bareNewline = BareNewline::Reject;
    unsigned maxReceived = 50;  // Received: headers allowed (loop guard, Postfix hopcount_limit)
  };
  enum class Verdict {
    More,         // keep reading lines
    End,          // the line was the end-of-data "."
    BareNewline,  // a bare CR or LF under the reject policy: the session refuses and closes
  };

  static constexpr size_t kChunkBytes = 64 * 1024;

  explicit MessageReceiver(Limits limits) : limits_(limits) {}

  // A new message, written into `sink` (not owned; it must outlive finish() or reset()).
  void start(MessageSink* sink);

  // One line as received, its line end stripped. `tooLong` is the transport's verdict when it
  // had to cut the line; `crlf` whether it ended in CRLF (false: a bare LF).
  Verdict addLine(std::string_view line, bool tooLong, bool crlf = true);

  bool sizeExceeded() const { return sizeExceeded_; }
  bool lineTooLong() const { return lineTooLong_; }
  bool tooManyHops() const { return receivedHeaders_ > limits_.maxReceived; }
  unsigned receivedHeaders() const { return receivedHeaders_; }
  uint64_t size() const { return size_; }  // unstuffed bytes seen, CRLFs included
  void finish();  // after Verdict::End: the last piece goes to the sink
  void reset();   // forgets the message and the sink

 private:
  // One line of the message as it will be stored (CRLF added here).
  void store(std::string_view text);
  void noteHeader(std::string_view text);
  void flush();
  void refuse();  // over a limit: nothing more is passed on

  Limits limits_;
  MessageSink* sink_ = nullptr;
  std::string chunk_;  // bytes not yet written to the sink
  uint64_t size_ = 0;
  bool sizeExceeded_ = false;
  bool lineTooLong_ = false;
  bool afterCrlf_ = true;   // the previous line ended in CRLF (the DATA command's counts)
  bool inHeaders_ = true;   // before the first empty line
  unsigned receivedHeaders_ = 0;
};

}  // namespace mg::smtp
