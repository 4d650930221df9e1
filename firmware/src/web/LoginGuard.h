#pragma once
// What stands between a LAN guesser and operator passwords on the web page: failures are
// counted per user+address ([limits] login_attempts per login_window_seconds, then 429) and
// per address over all user names (four times that, so inventing names does not reset the
// count), and PBKDF2 checks run one at a time (each costs most of a second of a core on a
// Pi: unbounded, a few clients retrying would pin every core).
#include <cstdint>
#include <string>

#include "common/AttemptLimiter.h"
#include "common/Clock.h"

namespace mg::web {

class LoginGuard {
 public:
  static constexpr unsigned kAddressFactor = 4;
  static constexpr unsigned kCheckSlots = 1;
  static constexpr int64_t kCheckWaitMillis = 5000;

  LoginGuard(const common::Clock& clock, unsigned attempts, unsigned windowSeconds);

  // 0 when this user may try from this address now; else the seconds to wait (Retry-After).
  int64_t lockedFor(const std::string& user, const std::string& address);
  void failed(const std::string& user, const std::string& address);
  void succeeded(const std::string& user, const std::string& address);
  void setLimits(unsigned attempts, unsigned windowSeconds);  // a configuration reload

  // Wrong second-factor codes per user from any address (kSecondFactorFactor × attempts per
  // window): whoever has the password cannot spread guesses at the 6 digits over many LAN
  // addresses. The owner, with the right code, waits too — the password is known to someone.
  static constexpr unsigned kSecondFactorFactor = 2;
  int64_t secondFactorLockedFor(const std::string& user) { return perUserSecondFactor_.lockedFor(user); }
  void secondFactorFailed(const std::string& user) { perUserSecondFactor_.recordFailure(user); }

  // One password check at a time; false when none came free within kCheckWaitMillis.
  bool beginCheck() { return checks_.acquire(kCheckWaitMillis); }
  void endCheck() { checks_.release(); }

 private:
  static std::string pairKey(const std::string& user, const std::string& address) { return user + "\n" + address; }
  common::AttemptLimiter perUserAddress_;
  common::AttemptLimiter perAddress_;
  common::AttemptLimiter perUserSecondFactor_;
  common::WorkSlots checks_{kCheckSlots};
};

}  // namespace mg::web
