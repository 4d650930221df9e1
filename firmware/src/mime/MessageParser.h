#pragma once
// RFC 5322 / MIME parsing into a MessageSummary. Safe to call from several threads at once.
#include <cstdint>
#include <string>
#include <string_view>

#include "common/Status.h"
#include "mime/MessageSummary.h"

namespace mg::mime {

// Never throws. Lenient like a mail client: a malformed message gives the best summary
// that can be made of it; an error only for empty, oversized (kMaxMessageBytes) or
// header-less input.
// `withHtml` also fills MessageSummary::html (decoded only when asked: most parses need only
// whether there is one).
[[nodiscard]] common::Result<MessageSummary> parseMessage(std::string_view raw, bool withHtml = false);
// The same for the message that starts `offset` bytes into the file at `path` (a spool file
// after its envelope header). The file is mapped, not read: the limit scan touches its pages,
// GMime reads it through a file stream and keeps only offsets of the parts, and the body text
// is decoded no further than shown, so memory stays far below the message's size.
[[nodiscard]] common::Result<MessageSummary> parseMessageFile(const std::string& path, uint64_t offset,
                                                             bool withHtml = false);

}  // namespace mg::mime
