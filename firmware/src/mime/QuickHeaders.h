#pragma once
// The few header fields a list needs (From, To, Subject, Message-ID), read without GMime: a
// bounded scan of the header block that decodes nothing. For a message that must not be
// parsed (the daemon died while parsing it), so that the reviewer still sees what it claims
// to be, as the sender wrote it (encoded words are left as they are).
#include <string>
#include <string_view>

namespace mg::mime {

struct QuickHeaders {
  std::string from, to, subject, messageId;  // unfolded, at most kMaxQuickField bytes each
};

inline constexpr size_t kMaxQuickField = 1000;
inline constexpr size_t kMaxQuickScan = 64u * 1024u;  // header bytes looked at

QuickHeaders readQuickHeaders(std::string_view raw);

}  // namespace mg::mime
