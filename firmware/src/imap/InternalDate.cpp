#include "imap/InternalDate.h"

#include <cstdio>

namespace mg::imap {

namespace {

constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm): no timegm, no TZ.
int64_t daysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void civilFromDays(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

bool digits(std::string_view s, std::size_t at, std::size_t n, int& out) {
  if (at + n > s.size()) return false;
  out = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

}  // namespace

std::optional<int64_t> parseInternalDate(std::string_view s) {
  // day may be " 7" (SP DIGIT) or "07"; fixed layout after that.
  if (s.size() != 26) return std::nullopt;
  int day = 0;
  const std::string_view dayText = s.substr(0, 2);
  if (dayText[0] == ' ') {
    if (!digits(s, 1, 1, day)) return std::nullopt;
  } else if (!digits(s, 0, 2, day)) {
    return std::nullopt;
  }
  if (s[2] != '-' || s[6] != '-' || s[11] != ' ' || s[14] != ':' || s[17] != ':' || s[20] != ' ') return std::nullopt;
  int month = -1;
  for (int i = 0; i < 12; ++i) {
    const std::string_view name = kMonths[i];
    if ((s[3] | 0x20) == (name[0] | 0x20) && (s[4] | 0x20) == name[1] && (s[5] | 0x20) == name[2]) month = i + 1;
  }
  int year = 0, hh = 0, mm = 0, ss = 0, zh = 0, zm = 0;
  if (month < 0 || !digits(s, 7, 4, year) || !digits(s, 12, 2, hh) || !digits(s, 15, 2, mm) || !digits(s, 18, 2, ss) ||
      !digits(s, 22, 2, zh) || !digits(s, 24, 2, zm) || (s[21] != '+' && s[21] != '-')) {
    return std::nullopt;
  }
  if (day < 1 || day > 31 || hh > 23 || mm > 59 || ss > 60 || zh > 23 || zm > 59) return std::nullopt;
  const int64_t offset = (zh * 3600 + zm * 60) * (s[21] == '-' ? -1 : 1);
  return daysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 + hh * 3600 + mm * 60 +
         ss - offset;
}

std::string formatInternalDate(int64_t t) {
  int64_t days = t / 86400;
  int64_t secs = t % 86400;
  if (secs < 0) {
    secs += 86400;
    --days;
  }
  int64_t y = 0;
  unsigned m = 0, d = 0;
  civilFromDays(days, y, m, d);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%02u-%s-%04lld %02d:%02d:%02d +0000", d, kMonths[m - 1], static_cast<long long>(y),
                static_cast<int>(secs / 3600), static_cast<int>(secs / 60 % 60), static_cast<int>(secs % 60));
  return buf;
}

}  // namespace mg::imap
