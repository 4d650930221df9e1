#pragma once
// Remote text (subjects, addresses, bodies, problem details) on the operator's terminal:
// escape sequences in a mail must not move the cursor or retitle the window, and tables
// must line up with non-ASCII names. Decodes UTF-8; invalid bytes and control characters
// (C0, DEL, C1) become '?'.
#include <cstddef>
#include <string>
#include <string_view>

namespace mg::ctl {

class TerminalText {
 public:
  // Multi-line text (a body): keeps '\n' and '\t', drops '\r', replaces other controls.
  static std::string block(std::string_view text);
  // One line: line breaks and tabs become spaces; cut to `maxColumns` with "…".
  static std::string oneLine(std::string_view text, size_t maxColumns);
  // Columns a sanitized string takes: wide CJK/emoji count 2, combining marks 0.
  static size_t width(std::string_view text);
  // Cut to at most `columns` (ending in "…" when cut), then padded with spaces to exactly that.
  static std::string fit(std::string_view text, size_t columns);
  // Cut to at most `columns` (ending in "…" when cut), not padded.
  static std::string cut(std::string_view text, size_t columns);
};

}  // namespace mg::ctl
