#include "imap/ResponseParser.h"

#include <algorithm>

#include "imap/detail/FrameParser.h"

namespace mg::imap {

namespace {

// "{123}" or "{123+}" right before the line end at `eol` (index of '\n'). Returns the digits
// (without allocation) when the line ends in a literal marker.
std::optional<std::string_view> literalMarker(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.empty() || line.back() != '}') return std::nullopt;
  line.remove_suffix(1);
  if (!line.empty() && line.back() == '+') line.remove_suffix(1);
  std::size_t digits = 0;
  while (digits < line.size() && line[line.size() - 1 - digits] >= '0' && line[line.size() - 1 - digits] <= '9') ++digits;
  if (digits == 0 || digits == line.size() || line[line.size() - 1 - digits] != '{') return std::nullopt;
  return line.substr(line.size() - digits);
}

}  // namespace

ResponseParser::ResponseParser(ParserLimits limits) : limits_(limits) {}

void ResponseParser::feed(std::string_view bytes) {
  if (failed()) return;  // the stream is unusable; do not keep buffering it
  compact();
  buffer_.append(bytes.data(), bytes.size());
}

void ResponseParser::compact() {
  // Erasing consumed bytes on every response would be quadratic for a burst of small ones.
  if (head_ == 0 || (head_ < 65536 && head_ * 2 < buffer_.size())) return;
  buffer_.erase(0, head_);
  lineStart_ -= head_;
  scan_ -= head_;
  head_ = 0;
}

common::Result<std::optional<Response>> ResponseParser::fail(std::string message) {
  fatal_ = std::move(message);
  buffer_.clear();
  buffer_.shrink_to_fit();
  head_ = lineStart_ = scan_ = literalLeft_ = 0;
  return common::Result<std::optional<Response>>::error(fatal_);
}

common::Result<std::optional<Response>> ResponseParser::next() {
  if (failed()) return common::Result<std::optional<Response>>::error(fatal_);
  for (;;) {
    if (literalLeft_ > 0) {
      const std::size_t take = std::min(literalLeft_, buffer_.size() - scan_);
      scan_ += take;
      literalLeft_ -= take;
      if (literalLeft_ > 0) return std::optional<Response>();
      lineStart_ = scan_;
    }
    const std::size_t nl = buffer_.find('\n', scan_);
    if (nl == std::string::npos) {
      scan_ = buffer_.size();
      if (scan_ - lineStart_ > limits_.maxLineBytes) {
        return fail("response line longer than " + std::to_string(limits_.maxLineBytes) + " bytes");
      }
      return std::optional<Response>();
    }
    if (nl - lineStart_ > limits_.maxLineBytes) {
      return fail("response line longer than " + std::to_string(limits_.maxLineBytes) + " bytes");
    }
    const auto marker = literalMarker(std::string_view(buffer_).substr(lineStart_, nl - lineStart_));
    if (marker) {
      // Compare digit counts first so that a 40-digit length cannot overflow the check.
      const std::string maxText = std::to_string(limits_.maxLiteralBytes);
      std::string_view digits = *marker;
      while (digits.size() > 1 && digits.front() == '0') digits.remove_prefix(1);
      if (digits.size() > maxText.size() || (digits.size() == maxText.size() && digits > maxText)) {
        return fail("literal of " + std::string(digits.substr(0, 24)) + " bytes exceeds the limit of " + maxText);
      }
      literalLeft_ = static_cast<std::size_t>(std::stoull(std::string(digits)));
      scan_ = nl + 1;
      if (scan_ - head_ + literalLeft_ > limits_.maxResponseBytes) {
        return fail("response larger than " + std::to_string(limits_.maxResponseBytes) + " bytes");
      }
      continue;
    }
    const std::string_view frame = std::string_view(buffer_).substr(head_, nl + 1 - head_);
    head_ = scan_ = lineStart_ = nl + 1;
    detail::FrameParser parser(frame, limits_.maxDepth);
    auto parsed = parser.parse();
    if (!parsed.ok()) return common::Result<std::optional<Response>>::error(parsed.errorMessage());
    return std::optional<Response>(std::move(parsed).value());
  }
}

}  // namespace mg::imap
