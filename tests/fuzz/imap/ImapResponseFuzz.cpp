// Feeds server bytes to the response parser in chunks (sizes taken from the input, so that
// literals and lines split at every place), then runs every decoder over what came out.
// Small limits make the limit paths reachable.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "imap/Decoders.h"
#include "imap/ResponseParser.h"
#include "imap/UidSet.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mg::imap;
  if (size == 0) return 0;
  const std::size_t chunk = 1 + data[0] % 64;
  ParserLimits limits;
  limits.maxLiteralBytes = 1 << 16;
  limits.maxLineBytes = 1 << 14;
  limits.maxResponseBytes = 1 << 18;
  limits.maxDepth = 32;
  ResponseParser parser(limits);
  const std::string_view in(reinterpret_cast<const char*>(data + 1), size - 1);
  MailboxState state;
  for (std::size_t at = 0; at < in.size(); at += chunk) {
    parser.feed(in.substr(at, chunk));
    for (int guard = 0; guard < 100000; ++guard) {
      auto r = parser.next();
      if (!r.ok()) {
        if (parser.failed()) return 0;
        continue;
      }
      if (!r.value()) break;
      const Response& resp = *r.value();
      (void)resp.describe();
      (void)resp.debugString();
      decode::applyToMailbox(resp, state);
      if (resp.name == "FETCH") (void)decode::fetch(resp);
      if (resp.name == "LIST") (void)decode::listEntry(resp);
      if (resp.name == "NAMESPACE") (void)decode::namespaces(resp);
      if (resp.name == "SEARCH") (void)decode::search(resp);
      if (resp.name == "ID") (void)decode::id(resp);
      if (resp.name == "CAPABILITY") (void)decode::capabilities(resp.data);
      if (resp.code) {
        (void)decode::copyUid(*resp.code);
        (void)decode::appendUid(*resp.code);
      }
    }
  }
  return 0;
}
