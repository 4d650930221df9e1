#pragma once
// RFC 2047 encoded-words for a header value mailgate writes (an edited Subject), made here
// rather than by GMime: GMime 3.2 writes B-encoded words whose base64 ends in "=" padding
// and then, reading adjacent words, joins their base64 before decoding, so everything after
// the first padded word is lost (seen by the MIME fuzz target). Q-encoding has no padding, and
// each word here holds whole UTF-8 characters (RFC 2047 §5), so any reader decodes it word
// by word or joined alike.
#include <string>

namespace mg::mime::detail {

// True when the value cannot be written as plain text: 8-bit bytes, or "=?" that a reader
// would take for the start of an encoded-word.
bool needsEncodedWords(const std::string& utf8);

// The value as a GMime raw header value: " =?UTF-8?Q?…?=\n =?UTF-8?Q?…?=\n", each word at
// most 75 characters (RFC 2047 §2), one per folded line. `utf8` must be valid UTF-8.
std::string qEncodedWords(const std::string& utf8);

}  // namespace mg::mime::detail
