#pragma once
// INTERNALDATE / APPEND date-time (RFC 3501 date-time): "17-Jul-1996 02:44:25 -0700".
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mg::imap {

// Unix seconds of an IMAP date-time; nullopt when it does not parse.
std::optional<int64_t> parseInternalDate(std::string_view text);
// Unix seconds as an IMAP date-time in UTC ("01-Jan-2024 10:00:00 +0000").
std::string formatInternalDate(int64_t unixSeconds);

}  // namespace mg::imap
