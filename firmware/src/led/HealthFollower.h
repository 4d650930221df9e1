#pragma once
// Follows mailgated on the bus: whether its name has an owner (NameOwnerChanged) and its
// Health (HealthChanged, and a Get every second as a fallback), and tells the LED the state.
// No bus, or a bus that went away, counts as "absent" and is retried every two seconds: the
// agent outlives both the daemon and the bus daemon restarting.
#include <atomic>
#include <functional>
#include <string>
#include <thread>

#include "led/LedPattern.h"

namespace mg::led {

class HealthFollower {
 public:
  using OnState = std::function<void(LedState state, const std::string& why)>;
  // `bus`: system or session (DBUS_*_BUS_ADDRESS honoured).
  HealthFollower(std::string bus, OnState onState);
  ~HealthFollower();  // stop()

  void start();
  void stop();

 private:
  void run();
  void report(LedState s, const std::string& why);

  std::string bus_;
  OnState onState_;
  std::atomic<bool> running_{false};
  bool reported_ = false;
  LedState last_ = LedState::Absent;
  std::string lastWhy_;
  std::thread thread_;
};

}  // namespace mg::led
