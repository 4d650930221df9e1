#pragma once
// Incremental, pure IMAP response parser: feed it bytes as they arrive, take complete
// responses out. It never allocates from a length the server sent before checking that
// length against a limit, and every limit breach is an error value, never a crash.
//
// Framing (finding where a response ends, skipping literal bytes) is linear in the bytes
// fed; a response is parsed into values once, when it is complete.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/Status.h"
#include "imap/Response.h"

namespace mg::imap {

struct ParserLimits {
  std::size_t maxLiteralBytes = 64u << 20;   // one {n} literal (a whole message)
  std::size_t maxLineBytes = 4u << 20;       // one line between literals (a long SEARCH result)
  std::size_t maxResponseBytes = 80u << 20;  // all lines and literals of one response
  std::size_t maxDepth = 64;                 // nested parenthesised lists
};

class ResponseParser {
 public:
  explicit ResponseParser(ParserLimits limits = {});

  void feed(std::string_view bytes);
  // The next complete response; nullopt when more bytes are needed; an error for a malformed
  // response (skipped: the next call goes on with the one after it) or a broken limit (fatal:
  // failed() stays true and every later call returns the same error).
  common::Result<std::optional<Response>> next();

  bool failed() const { return !fatal_.empty(); }
  // Bytes fed but not yet returned as responses (e.g. to check nothing precedes a TLS handshake).
  std::size_t buffered() const { return buffer_.size() - head_; }
  const ParserLimits& limits() const { return limits_; }

 private:
  common::Result<std::optional<Response>> fail(std::string message);
  void compact();

  ParserLimits limits_;
  std::string buffer_;
  std::size_t head_ = 0;        // start of the response being framed
  std::size_t lineStart_ = 0;   // start of its current line (after the last literal)
  std::size_t scan_ = 0;        // bytes before this are framed already
  std::size_t literalLeft_ = 0; // literal bytes still to skip
  std::string fatal_;
};

}  // namespace mg::imap
