#pragma once
// What the status LED shows (CONTRACT §5), as a repeating list of on/off steps:
//   ok        heartbeat     one short pulse every two seconds
//   degraded  double blink  two pulses, then a pause
//   failed    fast blink    five times a second
//   absent    solid on      mailgated is not on the bus (stopped, crashed, hung up)
// Solid on for "absent" so that a dead daemon is never mistaken for a healthy dark LED.
#include <string>
#include <vector>

namespace mg::led {

enum class LedState { Ok, Degraded, Failed, Absent };
std::string toString(LedState s);  // ok | degraded | failed | absent

// The daemon's Health property as a state; an unknown value counts as failed.
LedState stateFromHealth(const std::string& health);

struct LedStep {
  bool on = false;
  int millis = 0;  // 0: hold until the state changes (solid)
};

const std::vector<LedStep>& patternFor(LedState s);

}  // namespace mg::led
