#pragma once
// One LED under /sys/class/leds (or a test's directory laid out the same way): its trigger
// set to "none" so the kernel lets go of it, then brightness 0 or max_brightness.
#include <string>

#include "common/Status.h"

namespace mg::led {

class SysfsLed {
 public:
  SysfsLed(std::string ledsDir, std::string name);

  // Takes the LED: checks it exists (else one line naming it and the LEDs that do exist),
  // sets trigger "none", reads max_brightness (1 when absent).
  common::Status open();
  // Writes the brightness; false when the write failed (said once by the caller).
  bool set(bool on);
  std::string path() const { return dir_; }

 private:
  std::string ledsDir_;
  std::string name_;
  std::string dir_;
  std::string maxBrightness_ = "1";
};

}  // namespace mg::led
