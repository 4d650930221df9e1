// The MIME content limits under amplification: the input is a template "prefix \xff unit \xff
// suffix" and a repeat count (first two bytes), so that a small input becomes a message of
// up to 4 MB with thousands of parts, deep nesting or huge headers — what a poison message
// is. parseMessage must stay within the limits (Limits.h) and report what they hid; libFuzzer's
// -rss_limit_mb and -timeout bound its memory and time per input (tools/test.sh sets both).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "mime/Limits.h"
#include "mime/MessageParser.h"

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

constexpr size_t kMaxBuilt = 4u << 20;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 3) return 0;
  const size_t repeat = (size_t(data[0]) << 8 | data[1]) * 8;  // up to ~500k
  const std::string_view rest(reinterpret_cast<const char*>(data) + 2, size - 2);
  const size_t a = rest.find('\xff');
  const size_t b = a == std::string_view::npos ? a : rest.find('\xff', a + 1);
  std::string raw;
  if (b == std::string_view::npos) {
    raw = std::string(rest);
  } else {
    const std::string_view unit = rest.substr(a + 1, b - a - 1);
    raw = std::string(rest.substr(0, a));
    for (size_t i = 0; i < repeat && raw.size() + unit.size() <= kMaxBuilt; ++i) raw += unit;
    raw += rest.substr(b + 1);
  }

  auto summary = mg::mime::parseMessage(raw);
  if (!summary) return 0;
  using namespace mg::mime;
  require(summary->attachments.size() <= kMaxParts);
  require(summary->headers.size() <= kMaxHeaderFields);
  require(summary->text.size() <= kMaxTextBytes);
  for (const auto& [name, value] : summary->headers) {
    // A NUL is shown as two characters, and invalid bytes as U+FFFD (three): the worst case.
    require(name.size() + value.size() <= 3 * kMaxHeaderFieldBytes);
  }
  if (summary->hiddenParts > 0) require(summary->hasAttachments() && !summary->limitNotes.empty());
  return 0;
}
