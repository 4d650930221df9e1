#include "common/CircuitBreaker.h"

namespace mg::common {

CircuitBreaker::CircuitBreaker(const Clock& clock, unsigned failureThreshold, int64_t resetMillis)
    : clock_(clock), threshold_(failureThreshold == 0 ? 1 : failureThreshold), resetMillis_(resetMillis) {}

bool CircuitBreaker::allowRequest() {
  std::lock_guard<std::mutex> lock(mu_);
  if (state_ == State::Open && clock_.steadyMillis() - openedAt_ >= resetMillis_) {
    state_ = State::HalfOpen;
    trialInFlight_ = false;
  }
  switch (state_) {
    case State::Closed: return true;
    case State::Open: return false;
    case State::HalfOpen:
      if (trialInFlight_) return false;
      trialInFlight_ = true;
      return true;
  }
  return false;
}

void CircuitBreaker::recordSuccess() {
  std::lock_guard<std::mutex> lock(mu_);
  state_ = State::Closed;
  failures_ = 0;
  trialInFlight_ = false;
}

void CircuitBreaker::recordFailure() {
  std::lock_guard<std::mutex> lock(mu_);
  ++failures_;
  trialInFlight_ = false;
  if (state_ == State::HalfOpen || failures_ >= threshold_) {
    state_ = State::Open;
    openedAt_ = clock_.steadyMillis();
  }
}

CircuitBreaker::State CircuitBreaker::state() {
  std::lock_guard<std::mutex> lock(mu_);
  if (state_ == State::Open && clock_.steadyMillis() - openedAt_ >= resetMillis_) return State::HalfOpen;
  return state_;
}

unsigned CircuitBreaker::consecutiveFailures() {
  std::lock_guard<std::mutex> lock(mu_);
  return failures_;
}

std::string CircuitBreaker::toString(State s) {
  switch (s) {
    case State::Closed: return "closed";
    case State::Open: return "open";
    case State::HalfOpen: return "half_open";
  }
  return "unknown";
}

}  // namespace mg::common
