#pragma once
// Plays the pattern of the current state on the LED, on its own thread; a new state starts
// its pattern at once (not at the end of the old one's cycle).
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "led/LedPattern.h"

namespace mg::led {

class LedPlayer {
 public:
  using Write = std::function<bool(bool on)>;  // false: the write failed
  explicit LedPlayer(Write write, LedState initial = LedState::Absent);
  ~LedPlayer();  // stop()

  void start();
  void stop();
  void setState(LedState s);
  LedState state() const;

 private:
  void run();

  Write write_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  LedState state_;
  unsigned generation_ = 0;  // bumped by every state change
  bool running_ = false;
  std::thread thread_;
};

}  // namespace mg::led
