#pragma once
// The Received: header the gate adds when it relays SMTP mail (RFC 5321 §4.4: a server that
// accepts a message for relaying MUST prepend one). It is made at relay time, not stored in
// the message, so that the stored original stays exactly what the client sent and the
// released bytes are "this header + the stored bytes".
#include <cstdint>
#include <string>
#include <vector>

#include "quarantine/DeliveryPort.h"

namespace mg::relay {

// "Received: from <helo> ([<address>])\r\n\tby <host> (mailgate) with <protocol> id <id>\r\n
//  \tfor <rcpt>; <RFC 5322 date>\r\n" — `for` only with a single recipient. Remote text
// (the HELO name) is reduced to what is safe inside a header.
std::string receivedHeader(const quarantine::TraceInfo& trace, const std::string& byHost, long long emailId,
                           const std::vector<std::string>& rcptTo);

// RFC 5322 §3.3 date-time in UTC: "Tue, 01 Dec 2026 23:13:51 +0000".
std::string rfc5322Date(int64_t millisSinceEpoch);

}  // namespace mg::relay
