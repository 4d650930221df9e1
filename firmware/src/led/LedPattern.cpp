#include "led/LedPattern.h"

namespace mg::led {

std::string toString(LedState s) {
  switch (s) {
    case LedState::Ok: return "ok";
    case LedState::Degraded: return "degraded";
    case LedState::Failed: return "failed";
    case LedState::Absent: return "absent";
  }
  return "absent";
}

LedState stateFromHealth(const std::string& health) {
  if (health == "ok") return LedState::Ok;
  if (health == "degraded") return LedState::Degraded;
  return LedState::Failed;
}

const std::vector<LedStep>& patternFor(LedState s) {
  static const std::vector<LedStep> heartbeat = {{true, 150}, {false, 1850}};
  static const std::vector<LedStep> doubleBlink = {{true, 150}, {false, 200}, {true, 150}, {false, 1500}};
  static const std::vector<LedStep> fastBlink = {{true, 100}, {false, 100}};
  static const std::vector<LedStep> solid = {{true, 0}};
  switch (s) {
    case LedState::Ok: return heartbeat;
    case LedState::Degraded: return doubleBlink;
    case LedState::Failed: return fastBlink;
    case LedState::Absent: return solid;
  }
  return solid;
}

}  // namespace mg::led
