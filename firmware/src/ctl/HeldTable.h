#pragma once
// `mailgatectl held`: one line per message, fitted to the terminal so a long subject never
// wraps and breaks the columns.
#include <cstdint>
#include <string>
#include <vector>

#include "ctl/ApiJson.h"

namespace mg::ctl {

class HeldTable {
 public:
  static constexpr size_t kMinWidth = 60;  // below this the columns are cut anyway

  // Header + one row per message + nothing else; "no held messages\n" when empty.
  // Columns: ID (right-aligned), STATUS, AGE, FROM, SUBJECT; FROM and SUBJECT share what is
  // left of `width` (FROM at most 32 columns).
  static std::string format(const std::vector<MessageSummary>& items, int64_t nowMillis, size_t width);
  // `held --json`: the items as JSON lines, one compact object per line, as the API sent them.
  static std::string formatJsonLines(const std::vector<MessageSummary>& items);
};

}  // namespace mg::ctl
