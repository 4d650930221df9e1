#include "smtp/SmtpReply.h"

#include <algorithm>

namespace mg::smtp {
namespace {

// Control bytes in reply text would let remote or delegate text forge extra reply lines.
std::string clean(std::string_view text) {
  std::string out(text);
  std::replace_if(
      out.begin(), out.end(), [](char c) { return c == '\r' || c == '\n' || c == '\0'; }, ' ');
  return out;
}

}  // namespace

SmtpReply::SmtpReply(int code, std::string enhanced, std::string text)
    : code_(code), enhanced_(std::move(enhanced)) {
  lines_.push_back(std::move(text));
}

SmtpReply& SmtpReply::add(std::string text) {
  lines_.push_back(std::move(text));
  return *this;
}

std::string SmtpReply::format() const {
  std::string out;
  const std::string code = std::to_string(code_);
  for (size_t i = 0; i < lines_.size(); ++i) {
    out += code;
    out += (i + 1 < lines_.size()) ? '-' : ' ';
    if (!enhanced_.empty()) {
      out += enhanced_;
      if (!lines_[i].empty()) out += ' ';
    }
    out += clean(lines_[i]);
    out += "\r\n";
  }
  return out;
}

std::string SmtpReply::line(int code, std::string_view enhanced, std::string_view text) {
  return SmtpReply(code, std::string(enhanced), std::string(text)).format();
}

std::string SmtpReply::wire(std::string_view replyLine) { return clean(replyLine) + "\r\n"; }

bool isWellFormedReplyLine(std::string_view reply) {
  if (reply.size() < 3) return false;
  for (size_t i = 0; i < 3; ++i) {
    if (reply[i] < '0' || reply[i] > '9') return false;
  }
  if (reply[0] < '2' || reply[0] > '5') return false;
  return reply.size() == 3 || reply[3] == ' ';
}

}  // namespace mg::smtp
