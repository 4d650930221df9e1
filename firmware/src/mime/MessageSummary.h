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
  bool textTruncated = false;  // `text` was cut at kMaxTextBytes
  bool htmlPresent = false;  // an inline text/html part exists
  // That part's source, decoded to UTF-8 like `text` and cut at kMaxTextBytes, only when
  // the parse was asked for it (the page's sandboxed HTML view); never rendered by mailgate.
  std::string html;
  bool htmlTruncated = false;
  std::vector<Attachment> attachments;
  // What the content limits (Limits.h) kept from being parsed and shown, for the reviewer:
  // "2 parts nested deeper than 32 levels not shown (any of them may be an attachment)".
  std::vector<std::string> limitNotes;
  uint64_t hiddenParts = 0;  // parts not parsed; any of them could be an attachment

  // Anything unshown counts: a rule or a reviewer must never read "no attachment" for a
  // message whose hidden parts may carry one.
  bool hasAttachments() const { return !attachments.empty() || hiddenParts > 0; }
};

}  // namespace mg::mime
