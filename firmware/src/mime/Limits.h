#pragma once
// Ceilings of the mime module: the static-footprint rule (DESIGN.md §1) says no input may
// make memory grow without bound. A message is held in memory about twice while parsed.
#include <cstddef>

namespace mg::mime {

// Larger than any sane smtp.max_message_bytes; bigger inputs are refused, not parsed.
inline constexpr size_t kMaxMessageBytes = 64u * 1024u * 1024u;
// Above this many differing lines unifiedDiff stops searching for a minimal diff.
inline constexpr size_t kMaxDiffLines = 20000;
// Above this edit distance the Myers search (O(D^2) memory) gives up: ~4 MiB of trace.
inline constexpr size_t kMaxDiffEditDistance = 1000;

}  // namespace mg::mime
