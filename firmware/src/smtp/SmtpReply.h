#pragma once
// SMTP replies (RFC 5321 §4.2) with enhanced status codes (RFC 3463, advertised as
// ENHANCEDSTATUSCODES per RFC 2034). One place formats them so that no reply can carry a
// stray CR/LF (reply injection) and multi-line replies always end with "<code><SP>".
#include <string>
#include <string_view>
#include <vector>

namespace mg::smtp {

class SmtpReply {
 public:
  // `enhanced` may be empty (greeting, EHLO/HELO replies, SASL challenges carry none).
  SmtpReply(int code, std::string enhanced, std::string text);

  // Adds one more line; every line repeats the code and the enhanced code.
  SmtpReply& add(std::string text);

  int code() const { return code_; }
  bool positive() const { return code_ < 400; }
  // Wire form: "250-first\r\n250 last\r\n".
  std::string format() const;

  // One line in wire form: line(250, "2.0.0", "Ok") → "250 2.0.0 Ok\r\n".
  static std::string line(int code, std::string_view enhanced, std::string_view text);
  // A complete reply line made elsewhere (the delegate's) in wire form, CR/LF/NUL blanked.
  static std::string wire(std::string_view replyLine);

 private:
  int code_;
  std::string enhanced_;
  std::vector<std::string> lines_;
};

// True when `reply` starts with a 3-digit code in 200..599 followed by a space or end:
// used to vet replies that come from outside the session (the delegate's DATA reply).
bool isWellFormedReplyLine(std::string_view reply);

}  // namespace mg::smtp
