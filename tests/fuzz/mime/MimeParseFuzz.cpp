// libFuzzer entry: any bytes through parseMessage and, when they parse, editMessage and a
// diff of the two versions. Crashes, leaks and UB are the findings; results are not checked.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "mime/MessageEditor.h"
#include "mime/MessageParser.h"
#include "mime/UnifiedDiff.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view raw(reinterpret_cast<const char*>(data), size);
  auto summary = mg::mime::parseMessage(raw);
  if (!summary) return 0;
  const std::optional<std::string> text =
      summary->text.empty() ? std::nullopt : std::optional<std::string>("edited body \xc3\xa9\n" + summary->text);
  auto edited = mg::mime::editMessage(raw, std::string("Edited: ") + summary->subject, text);
  if (edited) {
    auto reparsed = mg::mime::parseMessage(*edited);
    (void)reparsed;
    if (raw.size() < 64 * 1024) (void)mg::mime::unifiedDiff(raw, *edited, "original", "edited");
  }
  return 0;
}
