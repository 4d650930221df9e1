#pragma once
// RFC 5322 / MIME parsing into a MessageSummary. Safe to call from several threads at once.
#include <string_view>

#include "common/Status.h"
#include "mime/MessageSummary.h"

namespace mg::mime {

// Never throws. Lenient like a mail client: a malformed message gives the best summary
// that can be made of it; an error only for empty, oversized (kMaxMessageBytes) or
// header-less input.
[[nodiscard]] common::Result<MessageSummary> parseMessage(std::string_view raw);

}  // namespace mg::mime
