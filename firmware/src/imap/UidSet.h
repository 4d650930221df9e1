#pragma once
// A sequence set of UIDs (RFC 3501 §9 sequence-set): "4", "1:5,9", "12:*".
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mg::imap {

class UidSet {
 public:
  static UidSet of(std::vector<uint32_t> uids);    // sorted and compressed into ranges
  static UidSet single(uint32_t uid) { return of({uid}); }
  static UidSet range(uint32_t first, uint32_t last);
  static UidSet from(uint32_t first);              // "first:*"
  // Parses the form servers send in COPYUID/APPENDUID ("304,319:320"); nullopt if malformed or "*".
  static std::optional<std::vector<uint32_t>> expand(const std::string& set, std::size_t maxCount = 1'000'000);

  bool empty() const { return text_.empty(); }
  const std::string& toString() const { return text_; }

 private:
  std::string text_;
};

}  // namespace mg::imap
