#pragma once
// What the rest of mailgate knows about a message: plain values, no GMime types, so
// storage, rules and the web layer never depend on the MIME library.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace mg::mime {

struct Attachment {
  std::string filename;     // decoded (RFC 2047/2231) to UTF-8; may be empty; not a safe path
  std::string contentType;  // lower-case "type/subtype"
  uint64_t size = 0;        // decoded bytes (after base64/QP)
};

struct MessageSummary {
  std::string messageId;  // RFC 5322 Message-ID without the angle brackets
  std::string from, to, cc, subject, date;  // decoded (RFC 2047) to UTF-8
  // Every top-level header in wire order, values unfolded and decoded to UTF-8.
  std::vector<std::pair<std::string, std::string>> headers;
  // The first text/plain part that is not an attachment, transfer-decoded, converted to
  // UTF-8, with LF line endings. Empty when there is none.
  std::string text;
  bool htmlPresent = false;  // an inline text/html part exists
  std::vector<Attachment> attachments;

  bool hasAttachments() const { return !attachments.empty(); }
};

}  // namespace mg::mime
