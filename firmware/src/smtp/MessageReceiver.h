#pragma once
// Collects the lines of DATA (RFC 5321 §4.5.2 dot-unstuffing) into the raw message with CRLF
// line ends, and enforces the size and line-length limits without unbounded memory: once the
// message is over its limit the bytes are counted but no longer kept, so that the session can
// read on to the end dot and then answer 552 in step with the client.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace mg::smtp {

class MessageReceiver {
 public:
  MessageReceiver(uint64_t maxBytes, size_t maxLineBytes) : maxBytes_(maxBytes), maxLineBytes_(maxLineBytes) {}

  // One line as received, its line end stripped. `tooLong` is the transport's verdict when it
  // had to cut the line. Returns true when the line was the end-of-data ".".
  bool addLine(std::string_view line, bool tooLong);

  bool sizeExceeded() const { return sizeExceeded_; }
  bool lineTooLong() const { return lineTooLong_; }
  uint64_t size() const { return size_; }  // unstuffed bytes seen, CRLFs included
  std::string take();                      // the message; the receiver is reset
  void reset();

 private:
  uint64_t maxBytes_;
  size_t maxLineBytes_;
  std::string raw_;
  uint64_t size_ = 0;
  bool sizeExceeded_ = false;
  bool lineTooLong_ = false;
};

}  // namespace mg::smtp
