#include "led/LedPlayer.h"

#include "common/Log.h"

namespace mg::led {

LedPlayer::LedPlayer(Write write, LedState initial) : write_(std::move(write)), state_(initial) {}

LedPlayer::~LedPlayer() { stop(); }

void LedPlayer::start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (running_) return;
  running_ = true;
  thread_ = std::thread([this] { run(); });
}

void LedPlayer::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    running_ = false;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void LedPlayer::setState(LedState s) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (s == state_) return;
    state_ = s;
    ++generation_;
  }
  cv_.notify_all();
}

LedState LedPlayer::state() const {
  std::lock_guard<std::mutex> lock(mu_);
  return state_;
}

void LedPlayer::run() {
  bool writeFailedSaid = false;
  std::unique_lock<std::mutex> lock(mu_);
  while (running_) {
    const unsigned generation = generation_;
    const auto& steps = patternFor(state_);
    for (size_t i = 0; running_ && generation == generation_; i = (i + 1) % steps.size()) {
      const LedStep step = steps[i];
      lock.unlock();
      const bool ok = write_(step.on);
      lock.lock();
      if (!ok && !writeFailedSaid) {
        common::logger("led").error("cannot write the LED's brightness (was it removed?); retrying with each step");
        writeFailedSaid = true;
      } else if (ok) {
        writeFailedSaid = false;
      }
      const auto changed = [&] { return !running_ || generation != generation_; };
      if (step.millis == 0 && ok) cv_.wait(lock, changed);
      else if (step.millis == 0) cv_.wait_for(lock, std::chrono::seconds(1), changed);  // try the write again
      else cv_.wait_for(lock, std::chrono::milliseconds(step.millis), changed);
    }
  }
}

}  // namespace mg::led
