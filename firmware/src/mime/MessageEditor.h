#pragma once
// Editing a held message: a reviewer may change the subject and the plain-text body before
// release. The result is a new message; the original bytes are never touched.
#include <optional>
#include <string>
#include <string_view>

#include "common/Status.h"

namespace mg::mime {

// Returns the new raw message with CRLF line endings (ready for SMTP DATA):
// - newSubject replaces the Subject (RFC 2047 UTF-8 encoded when not ASCII; CR/LF become
//   spaces so the value cannot inject headers);
// - newText replaces the body of the first text/plain part that is not an attachment
//   (the same part parseMessage reports as `text`), as UTF-8, 7bit when plain ASCII with
//   short lines, else quoted-printable (an upstream relay may lack 8BITMIME).
// Every other header and part is kept as it was. Error when newText is given and the
// message has no such part, or when the input is not a message (see parseMessage).
[[nodiscard]] common::Result<std::string> editMessage(std::string_view raw,
                                                      const std::optional<std::string>& newSubject,
                                                      const std::optional<std::string>& newText);

}  // namespace mg::mime
