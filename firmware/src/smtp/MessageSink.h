#pragma once
// Where a message goes while DATA brings it. The smtp module does not know what is behind it:
// the gate writes it into a spool temp file as it arrives, so that a 25 MB message never sits
// in memory; tests and fuzzers keep it in a string.
#include <string>
#include <string_view>

namespace mg::smtp {

class MessageSink {
 public:
  virtual ~MessageSink() = default;
  // Bytes of the message after dot-unstuffing, every line ending in CRLF, in order. A failure
  // (disk full) is the sink's to remember and to report when the message is handed over: the
  // session reads on to the end dot either way, so that client and server stay in step.
  virtual void write(std::string_view bytes) = 0;
};

class MemorySink final : public MessageSink {
 public:
  void write(std::string_view bytes) override { data.append(bytes); }
  std::string data;
};

}  // namespace mg::smtp
