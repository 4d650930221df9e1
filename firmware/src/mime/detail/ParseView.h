#pragma once
// What GMime is allowed to parse of a message: the raw bytes with the content limits
// (Limits.h) applied, found by one linear scan of the MIME structure that never builds a tree.
// Parts past kMaxParts are cut off, parts nested deeper than kMaxPartDepth are left out,
// over-long header fields are cut, header blocks are capped, and NUL bytes in headers are
// written as "\0" (GMime's C strings would otherwise end the value there). Each limit hit
// is reported in `notes`, in words a reviewer can act on.
//
// The scan is lenient where GMime is: a line that merely starts with "--boundary" counts as a
// delimiter, so the scan never sees fewer parts than GMime would.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace mg::mime::detail {

struct ParseView {
  std::string edited;          // the bytes to parse when `changed`; else parse the raw input
  bool changed = false;
  uint64_t hiddenParts = 0;    // parts (at least) that are not parsed
  bool structureCut = false;   // parts are missing: the editor must not rebuild this message
  std::vector<std::string> notes;

  std::string_view bytes(std::string_view raw) const { return changed ? std::string_view(edited) : raw; }
};

// `passed`, when given, is told every MiB or so how far the scan has come: a caller that
// mapped the message from a file can then let go of the pages behind (DESIGN §1: a 25 MB
// message must not become 25 MB of resident memory). The scan may read any byte again
// later; a caller may only drop pages that the file can give back.
ParseView makeParseView(std::string_view raw, const std::function<void(size_t)>& passed = {});

}  // namespace mg::mime::detail
