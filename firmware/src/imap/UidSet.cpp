#include "imap/UidSet.h"

#include <algorithm>

#include "common/Text.h"

namespace mg::imap {

UidSet UidSet::of(std::vector<uint32_t> uids) {
  std::sort(uids.begin(), uids.end());
  uids.erase(std::unique(uids.begin(), uids.end()), uids.end());
  UidSet set;
  for (std::size_t i = 0; i < uids.size();) {
    if (uids[i] == 0) {  // UID 0 does not exist; sending it is a BAD
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j + 1 < uids.size() && uids[j + 1] == uids[j] + 1) ++j;
    if (!set.text_.empty()) set.text_ += ',';
    set.text_ += std::to_string(uids[i]);
    if (j > i) set.text_ += ":" + std::to_string(uids[j]);
    i = j + 1;
  }
  return set;
}

UidSet UidSet::range(uint32_t first, uint32_t last) {
  UidSet set;
  if (first == 0 || last == 0) return set;
  set.text_ = first == last ? std::to_string(first) : std::to_string(first) + ":" + std::to_string(last);
  return set;
}

UidSet UidSet::from(uint32_t first) {
  UidSet set;
  set.text_ = std::to_string(first == 0 ? 1 : first) + ":*";
  return set;
}

std::optional<std::vector<uint32_t>> UidSet::expand(const std::string& set, std::size_t maxCount) {
  std::vector<uint32_t> out;
  auto number = [](const std::string& s) -> std::optional<uint32_t> {
    if (s.empty() || s.size() > 10 || s.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
    const unsigned long long v = std::stoull(s);
    if (v == 0 || v > 0xffffffffULL) return std::nullopt;
    return static_cast<uint32_t>(v);
  };
  for (const auto& part : common::split(set, ',')) {
    const auto colon = part.find(':');
    const auto a = number(part.substr(0, colon));
    const auto b = colon == std::string::npos ? a : number(part.substr(colon + 1));
    if (!a || !b) return std::nullopt;
    // COPYUID ranges map in order; "5:3" means 3,4,5 (RFC 4315 §3 allows either order).
    const uint32_t lo = std::min(*a, *b);
    const uint32_t hi = std::max(*a, *b);
    if (hi - lo >= maxCount || out.size() + (hi - lo) >= maxCount) return std::nullopt;
    for (uint64_t u = lo; u <= hi; ++u) out.push_back(static_cast<uint32_t>(u));
  }
  if (out.empty()) return std::nullopt;
  return out;
}

}  // namespace mg::imap
