#pragma once
// The one e-mail address parser (RFC 5321 Mailbox; UTF-8 per RFC 6531). The SMTP session's
// MAIL/RCPT paths, the API's release `to`, the relay's envelope, IMAP intake and the spool all
// use it, so an address one of them accepts is one all of them accept.
#include <string>
#include <string_view>

#include "common/Status.h"

namespace mg::smtp {

// RFC 5321 §4.5.3.1.1/2: local part ≤ 64 octets, domain ≤ 255; a path (with <>) ≤ 256.
inline constexpr size_t kMaxAddressLength = 254;

struct ParsedAddress {
  std::string localPart;
  std::string domain;
  bool utf8 = false;  // non-ASCII bytes (valid UTF-8): needs SMTPUTF8 on the wire
};

// "local@domain" as it goes between <> (no brackets, no source route). The error says what is
// wrong ("missing '@domain'", "bad local part", "blank or control byte in address", …).
common::Result<ParsedAddress> parseMailbox(std::string_view address);

// What may stand in an envelope (RFC 5321 §4.1.1): a mailbox, the null sender "" (as sender),
// or "postmaster" without a domain (as recipient, §4.1.1.3) — exactly what MAIL/RCPT accept.
common::Status checkEnvelopeAddress(std::string_view address, bool sender);

// Well-formed UTF-8 (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF).
bool validUtf8(std::string_view s);

}  // namespace mg::smtp
