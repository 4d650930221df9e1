#include "relay/TraceHeader.h"

#include <cstdio>
#include <ctime>

namespace mg::relay {
namespace {

// A HELO argument inside "from ... (...)": printable ASCII without blanks or the comment's
// own delimiters, at most 64 characters; "unknown" when nothing is left.
std::string safeToken(const std::string& s, size_t max) {
  std::string out;
  for (const char c : s) {
    if (out.size() >= max) break;
    const auto u = static_cast<unsigned char>(c);
    out += (u > 0x20 && u < 0x7f && c != '(' && c != ')' && c != '\\' && c != ';') ? c : '?';
  }
  return out.empty() ? std::string("unknown") : out;
}

std::string addressLiteral(const std::string& address) {
  if (address.empty()) return "unknown";
  // RFC 5321 §4.1.3: IPv6 literals carry their tag.
  const std::string a = safeToken(address, 64);
  return a.find(':') != std::string::npos ? "[IPv6:" + a + "]" : "[" + a + "]";
}

bool safeRecipient(const std::string& r) {
  for (const char c : r) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f || c == '<' || c == '>') return false;
  }
  return !r.empty();
}

}  // namespace

std::string rfc5322Date(int64_t millisSinceEpoch) {
  const std::time_t t = static_cast<std::time_t>(millisSinceEpoch / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  static const char* const kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[tm.tm_wday % 7], tm.tm_mday,
                kMonths[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

std::string receivedHeader(const quarantine::TraceInfo& trace, const std::string& byHost, long long emailId,
                           const std::vector<std::string>& rcptTo) {
  std::string h = "Received: from " + safeToken(trace.heloName, 64) + " (" + addressLiteral(trace.clientAddress) +
                  ")\r\n\tby " + safeToken(byHost, 255) + " (mailgate) with " + safeToken(trace.protocol, 16) +
                  " id " + std::to_string(emailId);
  if (rcptTo.size() == 1 && safeRecipient(rcptTo[0])) h += "\r\n\tfor <" + rcptTo[0] + ">";
  h += "; " + rfc5322Date(trace.receivedAt) + "\r\n";
  return h;
}

}  // namespace mg::relay
