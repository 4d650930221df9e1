#pragma once
// Line-based unified diff of two message versions, for the reviewer and the audit trail.
#include <string>
#include <string_view>

namespace mg::mime {

// "--- labelBefore\n+++ labelAfter\n" then "@@ -a,b +c,d @@" hunks with 3 lines of
// context, lines ending in "\n" (a CR before the LF is dropped, so CRLF and LF inputs diff
// alike). Empty string when the texts have the same lines. Minimal (Myers) for ordinary
// edits; when the differing region is huge (kMaxDiffLines / kMaxDiffEditDistance) that
// region becomes one delete-all/insert-all hunk, so cost stays bounded.
std::string unifiedDiff(std::string_view before, std::string_view after,
                        const std::string& labelBefore, const std::string& labelAfter);

}  // namespace mg::mime
