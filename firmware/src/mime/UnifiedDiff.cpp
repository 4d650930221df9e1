#include "mime/UnifiedDiff.h"

#include <algorithm>
#include <unordered_map>
#include <vector>

#include "mime/Limits.h"

namespace mg::mime {

namespace {

constexpr size_t kContext = 3;

enum class OpKind : char { kEqual, kDelete, kInsert };

// a/b: the line index in before/after this op shows or, for the side it does not touch,
// how many lines of that side precede it (what the @@ header needs).
struct Op {
  OpKind kind;
  size_t a;
  size_t b;
};

std::vector<std::string_view> splitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < text.size()) {
    const size_t newline = text.find('\n', start);
    const size_t end = newline == std::string_view::npos ? text.size() : newline;
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (newline == std::string_view::npos) break;
    start = newline + 1;
  }
  return lines;
}

// Lines become small integers so the search compares ints, not strings.
class LineIds {
 public:
  std::vector<int> intern(const std::vector<std::string_view>& lines) {
    std::vector<int> ids;
    ids.reserve(lines.size());
    for (const auto line : lines) ids.push_back(ids_.emplace(line, static_cast<int>(ids_.size())).first->second);
    return ids;
  }

 private:
  std::unordered_map<std::string_view, int> ids_;
};

// Myers' O((N+M)D) greedy search over a[aBegin, aBegin+n) and b[bBegin, bBegin+m),
// appending the edit script to `out`. Keeps each step's frontier for the backtrack, which
// is O(D^2) memory, hence false (nothing appended) once D passes kMaxDiffEditDistance.
bool appendMyers(const std::vector<int>& a, size_t aBegin, int n, const std::vector<int>& b, size_t bBegin, int m,
                 std::vector<Op>& out) {
  const int max = n + m;
  const int dLimit = std::min(max, static_cast<int>(kMaxDiffEditDistance));
  const int offset = max + 1;
  std::vector<int> v(static_cast<size_t>(2 * max + 3), 0);
  auto at = [&](int k) -> int& { return v[static_cast<size_t>(offset + k)]; };
  std::vector<std::vector<int>> trace;
  int found = -1;
  for (int d = 0; d <= dLimit && found < 0; ++d) {
    trace.emplace_back(v.begin() + (offset - d), v.begin() + (offset + d + 1));  // frontier [-d, d]
    for (int k = -d; k <= d; k += 2) {
      int x = (k == -d || (k != d && at(k - 1) < at(k + 1))) ? at(k + 1) : at(k - 1) + 1;
      int y = x - k;
      while (x < n && y < m && a[aBegin + static_cast<size_t>(x)] == b[bBegin + static_cast<size_t>(y)]) {
        ++x;
        ++y;
      }
      at(k) = x;
      if (x >= n && y >= m) {
        found = d;
        break;
      }
    }
  }
  if (found < 0) return false;

  std::vector<Op> reversed;
  auto emit = [&](OpKind kind, int x, int y) {
    reversed.push_back(Op{kind, aBegin + static_cast<size_t>(x), bBegin + static_cast<size_t>(y)});
  };
  int x = n;
  int y = m;
  for (int d = found; d > 0; --d) {
    const std::vector<int>& frontier = trace[static_cast<size_t>(d)];
    auto prev = [&](int k) { return frontier[static_cast<size_t>(k + d)]; };
    const int k = x - y;
    const int prevK = (k == -d || (k != d && prev(k - 1) < prev(k + 1))) ? k + 1 : k - 1;
    const int prevX = prev(prevK);
    const int prevY = prevX - prevK;
    for (; x > prevX && y > prevY; --x, --y) emit(OpKind::kEqual, x - 1, y - 1);
    if (x == prevX) {
      emit(OpKind::kInsert, x, prevY);
    } else {
      emit(OpKind::kDelete, prevX, y);
    }
    x = prevX;
    y = prevY;
  }
  for (; x > 0 && y > 0; --x, --y) emit(OpKind::kEqual, x - 1, y - 1);
  out.insert(out.end(), reversed.rbegin(), reversed.rend());
  return true;
}

std::vector<Op> editScript(const std::vector<int>& a, const std::vector<int>& b) {
  // Edits of a held message touch a few lines: strip the common head and tail first.
  size_t prefix = 0;
  while (prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) ++prefix;
  size_t suffix = 0;
  while (suffix < a.size() - prefix && suffix < b.size() - prefix &&
         a[a.size() - 1 - suffix] == b[b.size() - 1 - suffix]) {
    ++suffix;
  }
  std::vector<Op> ops;
  for (size_t i = 0; i < prefix; ++i) ops.push_back(Op{OpKind::kEqual, i, i});
  const size_t n = a.size() - prefix - suffix;
  const size_t m = b.size() - prefix - suffix;
  const bool searched = n + m <= kMaxDiffLines &&
                        appendMyers(a, prefix, static_cast<int>(n), b, prefix, static_cast<int>(m), ops);
  if (!searched) {  // bounded fallback: the whole differing region, replaced
    for (size_t i = 0; i < n; ++i) ops.push_back(Op{OpKind::kDelete, prefix + i, prefix});
    for (size_t j = 0; j < m; ++j) ops.push_back(Op{OpKind::kInsert, prefix + n, prefix + j});
  }
  for (size_t i = 0; i < suffix; ++i) {
    ops.push_back(Op{OpKind::kEqual, a.size() - suffix + i, b.size() - suffix + i});
  }
  return ops;
}

// GNU diff's range form: "start,count", ",1" omitted, an empty range names the line before.
std::string range(size_t firstIndex, size_t count) {
  const size_t start = count == 0 ? firstIndex : firstIndex + 1;
  return count == 1 ? std::to_string(start) : std::to_string(start) + "," + std::to_string(count);
}

void appendHunk(const std::vector<Op>& ops, size_t begin, size_t end, const std::vector<std::string_view>& before,
                const std::vector<std::string_view>& after, std::string& out) {
  size_t aCount = 0;
  size_t bCount = 0;
  for (size_t i = begin; i < end; ++i) {
    if (ops[i].kind != OpKind::kInsert) ++aCount;
    if (ops[i].kind != OpKind::kDelete) ++bCount;
  }
  out += "@@ -" + range(ops[begin].a, aCount) + " +" + range(ops[begin].b, bCount) + " @@\n";
  for (size_t i = begin; i < end; ++i) {
    const Op& op = ops[i];
    switch (op.kind) {
      case OpKind::kEqual: out += ' '; out += before[op.a]; break;
      case OpKind::kDelete: out += '-'; out += before[op.a]; break;
      case OpKind::kInsert: out += '+'; out += after[op.b]; break;
    }
    out += '\n';
  }
}

}  // namespace

std::string unifiedDiff(std::string_view before, std::string_view after, const std::string& labelBefore,
                        const std::string& labelAfter) {
  const auto beforeLines = splitLines(before);
  const auto afterLines = splitLines(after);
  LineIds ids;
  const auto a = ids.intern(beforeLines);
  const auto b = ids.intern(afterLines);
  const std::vector<Op> ops = editScript(a, b);

  auto isChange = [&ops](size_t i) { return ops[i].kind != OpKind::kEqual; };
  std::string out;
  size_t next = 0;
  while (true) {
    while (next < ops.size() && !isChange(next)) ++next;
    if (next >= ops.size()) break;
    const size_t begin = next >= kContext ? next - kContext : 0;
    size_t lastChange = next;
    // Changes closer than two contexts share one hunk, as in diff -u.
    for (size_t j = next + 1; j < ops.size() && j - lastChange - 1 <= 2 * kContext; ++j) {
      if (isChange(j)) lastChange = j;
    }
    const size_t end = std::min(ops.size(), lastChange + kContext + 1);
    if (out.empty()) out = "--- " + labelBefore + "\n+++ " + labelAfter + "\n";
    appendHunk(ops, begin, end, beforeLines, afterLines, out);
    next = end;
  }
  return out;
}

}  // namespace mg::mime
