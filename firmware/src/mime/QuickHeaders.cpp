#include "mime/QuickHeaders.h"

#include "common/Text.h"

namespace mg::mime {
namespace {

std::string* slotFor(QuickHeaders& h, std::string_view name) {
  if (common::iequals(name, "from")) return &h.from;
  if (common::iequals(name, "to")) return &h.to;
  if (common::iequals(name, "subject")) return &h.subject;
  if (common::iequals(name, "message-id")) return &h.messageId;
  return nullptr;
}

// Control bytes (NUL, CR, ...) become '?': what is shown must be one clean line.
void append(std::string& out, std::string_view text) {
  for (const char c : text) {
    if (out.size() >= kMaxQuickField) return;
    const auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 && c != '\t') || u == 0x7f ? '?' : c;
  }
}

}  // namespace

QuickHeaders readQuickHeaders(std::string_view raw) {
  QuickHeaders h;
  raw = raw.substr(0, kMaxQuickScan);
  std::string* current = nullptr;
  size_t pos = 0;
  while (pos < raw.size()) {
    size_t lf = raw.find('\n', pos);
    if (lf == std::string_view::npos) lf = raw.size();
    std::string_view line = raw.substr(pos, lf - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = lf + 1;
    if (line.empty()) break;  // the end of the header block
    if (line.front() == ' ' || line.front() == '\t') {
      if (current != nullptr) append(*current, line);
      continue;
    }
    const size_t colon = line.find(':');
    current = colon == std::string_view::npos ? nullptr : slotFor(h, common::trim(line.substr(0, colon)));
    if (current != nullptr && current->empty()) {
      append(*current, common::trim(line.substr(colon + 1)));
    } else {
      current = nullptr;  // only the first of each is kept
    }
  }
  for (std::string* s : {&h.from, &h.to, &h.subject, &h.messageId}) *s = std::string(common::trim(*s));
  if (h.messageId.size() >= 2 && h.messageId.front() == '<' && h.messageId.back() == '>') {
    h.messageId = h.messageId.substr(1, h.messageId.size() - 2);
  }
  return h;
}

}  // namespace mg::mime
