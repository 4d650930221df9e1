#pragma once
// Ages and sizes the way an operator reads them in a table: short and rounded down.
#include <cstdint>
#include <string>

namespace mg::ctl {

class HumanUnits {
 public:
  // "45s", "12m", "5h", "3d"; hours up to two days, since "30h" reads better than "1d".
  static std::string age(int64_t seconds);
  // "812 B", "12.3 KiB", "4.0 MiB".
  static std::string size(int64_t bytes);
  // "3h 12m", "2d 4h", "45s" for an uptime.
  static std::string duration(int64_t seconds);
};

}  // namespace mg::ctl
