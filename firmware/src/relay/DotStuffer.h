#pragma once
// The DATA payload of an SMTP transaction (RFC 5321 §4.5.2): the stored message is sent as it
// is, with only what the wire demands added — a '.' before every line that starts with '.',
// CRLF for a bare LF or a bare CR (never sent upstream), a final CRLF when the message lacks
// one, then ".\r\n". The message is
// never re-serialised, so signatures (DKIM) over the stored bytes stay valid.
#include <string>
#include <string_view>

namespace mg::relay {

// Streaming so a 25 MB message is not held twice in memory on a small board: feed() chunks
// of any size (the output does not depend on where the chunks are cut), then finish().
class DotStuffer {
 public:
  // Appends the encoded form of `chunk` to `out`.
  void feed(std::string_view chunk, std::string& out);
  // Appends what ends the payload: a CRLF if the last line lacks one, then ".\r\n".
  void finish(std::string& out);

 private:
  bool atLineStart_ = true;  // the next byte begins a line (where a '.' must be doubled)
  bool pendingCr_ = false;   // a CR seen at the end of a chunk; its meaning depends on the next byte
};

// The whole payload in one call (what tests and small messages use).
std::string dotStuff(std::string_view raw);

// True when the message has a byte >= 0x80 (then BODY=8BITMIME is declared if offered).
bool hasEightBit(std::string_view raw);

}  // namespace mg::relay
