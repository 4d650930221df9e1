#pragma once
// Ceilings of the mime module: the static-footprint rule (DESIGN.md §1) says no input may
// make memory grow without bound, and DESIGN §3 "Bounded work" that no message may cost
// unbounded CPU to look at. Parsed from its spool file (parseMessageFile), a message costs a
// few MiB whatever its size, unless it hits a limit below: the rewritten copy GMime then
// parses costs about twice its size, as parsing from memory always does (parseMessage: the
// editor, tests).
//
// GMime builds an object per MIME part and decodes every encoded word it is given, so these
// limits are enforced before GMime sees the bytes (detail/ParseView): what lies beyond them is
// left out of what is parsed and shown, and reported, while the stored bytes stay untouched.
#include <cstddef>

namespace mg::mime {

// Larger than any sane smtp.max_message_bytes; bigger inputs are refused, not parsed.
inline constexpr size_t kMaxMessageBytes = 64u * 1024u * 1024u;
// MIME parts parsed (nested messages' parts included); real mail has a few dozen.
inline constexpr size_t kMaxParts = 1000;
// Nesting of multiparts and attached messages; real mail nests 3-5 levels.
inline constexpr size_t kMaxPartDepth = 32;
// One header field as parsed (folded lines included): longer ones are cut. Also bounds the
// encoded words GMime decodes per field (~4 s of CPU per MB of them).
inline constexpr size_t kMaxHeaderFieldBytes = 16u * 1024u;
// Header fields of one entity, and their bytes together: the rest of the block is not shown.
inline constexpr size_t kMaxHeaderFields = 1000;
inline constexpr size_t kMaxHeaderBlockBytes = 128u * 1024u;
// Lines starting with "--" parsed at all: a backstop that bounds GMime's parts even where
// its reading of a Content-Type differs from ours.
inline constexpr size_t kMaxBoundaryLikeLines = 10000;
// The body text shown (UTF-8 bytes); the summary says when it was cut.
inline constexpr size_t kMaxTextBytes = 1024u * 1024u;
// Above this many differing lines unifiedDiff stops searching for a minimal diff.
inline constexpr size_t kMaxDiffLines = 20000;
// Above this edit distance the Myers search (O(D^2) memory) gives up: ~4 MiB of trace.
inline constexpr size_t kMaxDiffEditDistance = 1000;

}  // namespace mg::mime
