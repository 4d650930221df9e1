#pragma once
#include <string>

namespace mg::quarantine {

// Who asked for a change: an operator (user or token name), or the gate itself
// ("rule:<name>" for auto-release, "system" for recovery and retention).
struct Actor {
  std::string name;
  std::string role;  // admin | reviewer | system
  static Actor system() { return {"system", "system"}; }
};

}  // namespace mg::quarantine
