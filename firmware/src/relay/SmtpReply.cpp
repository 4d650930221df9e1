#include "relay/SmtpReply.h"

#include <cctype>

#include "common/Text.h"

namespace mg::relay {

std::string SmtpReply::text() const {
  std::string joined = std::to_string(code);
  for (const auto& line : lines) {
    const auto t = common::trim(line);
    if (t.empty()) continue;
    joined += ' ';
    joined.append(t.data(), t.size());
  }
  return common::sanitize(joined);
}

void ReplyParser::reset() {
  reply_ = SmtpReply{};
  error_.clear();
  started_ = false;
}

ReplyParser::Step ReplyParser::fail(std::string why) {
  error_ = std::move(why);
  return Step::Malformed;
}

ReplyParser::Step ReplyParser::feed(std::string_view line) {
  if (line.size() < 3) return fail("reply line too short: '" + common::sanitize(line, 40) + "'");
  int code = 0;
  for (std::size_t i = 0; i < 3; ++i) {
    const char c = line[i];
    if (c < '0' || c > '9') return fail("reply without a code: '" + common::sanitize(line, 40) + "'");
    code = code * 10 + (c - '0');
  }
  if (code < 200 || code > 599) return fail("reply code out of range: " + std::to_string(code));
  // "250" alone is tolerated (some servers end with it); otherwise a space or '-' follows.
  const char sep = line.size() > 3 ? line[3] : ' ';
  if (sep != ' ' && sep != '-') return fail("bad reply separator: '" + common::sanitize(line, 40) + "'");
  if (started_ && code != reply_.code) {
    return fail("reply code changed inside a multi-line reply (" + std::to_string(reply_.code) + " then " +
                std::to_string(code) + ")");
  }
  if (reply_.lines.size() >= kMaxLines) return fail("reply longer than " + std::to_string(kMaxLines) + " lines");
  started_ = true;
  reply_.code = code;
  reply_.lines.emplace_back(line.size() > 4 ? line.substr(4) : std::string_view{});
  return sep == '-' ? Step::NeedMore : Step::Done;
}

std::map<std::string, std::string> parseEhloKeywords(const SmtpReply& ehlo) {
  std::map<std::string, std::string> out;
  for (std::size_t i = 1; i < ehlo.lines.size(); ++i) {
    const auto line = common::trim(ehlo.lines[i]);
    if (line.empty()) continue;
    const auto space = line.find_first_of(" =");
    std::string keyword;
    for (const char c : line.substr(0, space)) keyword += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const std::string params = space == std::string_view::npos ? std::string() : std::string(common::trim(line.substr(space + 1)));
    auto& slot = out[keyword];
    // Servers that send both "AUTH PLAIN" and "AUTH=PLAIN" get the union.
    slot = slot.empty() ? params : slot + " " + params;
  }
  return out;
}

}  // namespace mg::relay
