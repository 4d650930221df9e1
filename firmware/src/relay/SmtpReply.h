#pragma once
// SMTP replies as values (RFC 5321 §4.2): the parser takes lines and returns replies, so it is
// tested without sockets. Remote text is kept raw here and sanitised where it is shown.
#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace mg::relay {

struct SmtpReply {
  int code = 0;                    // 200..599
  std::vector<std::string> lines;  // the text after "NNN-" / "NNN " of each line
  int kind() const { return code / 100; }  // 2 ok, 3 go on, 4 temporary, 5 permanent
  // "550 5.1.1 user unknown", the lines joined by a space, sanitised and cut for an operator.
  std::string text() const;
};

// Feeds one reply line at a time (without its CRLF) until a reply is complete.
class ReplyParser {
 public:
  enum class Step { NeedMore, Done, Malformed };
  // A server that sends more lines than this in one reply is misbehaving (or hostile).
  static constexpr std::size_t kMaxLines = 256;

  Step feed(std::string_view line);
  const SmtpReply& reply() const { return reply_; }  // the complete reply after Done
  const std::string& error() const { return error_; }  // why, after Malformed
  void reset();

 private:
  Step fail(std::string why);
  SmtpReply reply_;
  std::string error_;
  bool started_ = false;
};

// The EHLO keywords of a reply (its first line is the greeting and skipped), upper-cased,
// each with its parameters: {"SIZE": "10240000", "AUTH": "PLAIN LOGIN", "8BITMIME": ""}.
// The pre-RFC form "AUTH=PLAIN LOGIN" counts as AUTH.
std::map<std::string, std::string> parseEhloKeywords(const SmtpReply& ehlo);

}  // namespace mg::relay
