#include "web/LoginGuard.h"

#include <algorithm>

namespace mg::web {

LoginGuard::LoginGuard(const common::Clock& clock, unsigned attempts, unsigned windowSeconds)
    : perUserAddress_(clock, attempts, windowSeconds),
      perAddress_(clock, attempts * kAddressFactor, windowSeconds),
      perUserSecondFactor_(clock, attempts * kSecondFactorFactor, windowSeconds) {}

int64_t LoginGuard::lockedFor(const std::string& user, const std::string& address) {
  return std::max(perUserAddress_.lockedFor(pairKey(user, address)), perAddress_.lockedFor(address));
}

void LoginGuard::failed(const std::string& user, const std::string& address) {
  perUserAddress_.recordFailure(pairKey(user, address));
  perAddress_.recordFailure(address);
}

void LoginGuard::succeeded(const std::string& user, const std::string& address) {
  // Only this pair is forgiven: a good login must not wipe the address's guesses at others.
  perUserAddress_.recordSuccess(pairKey(user, address));
}

void LoginGuard::setLimits(unsigned attempts, unsigned windowSeconds) {
  perUserAddress_.setLimits(attempts, windowSeconds);
  perAddress_.setLimits(attempts * kAddressFactor, windowSeconds);
  perUserSecondFactor_.setLimits(attempts * kSecondFactorFactor, windowSeconds);
}

}  // namespace mg::web
