#pragma once
// The optional TOTP second factor of an operator: enrolment (a pending secret until a first
// code confirms the phone has it), the check at login, and recovery codes for a lost phone.
// The TOTP secret is sealed with the device key (it must be read back, unlike a password);
// recovery codes are kept only as hashes and each works once.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/Clock.h"
#include "common/Status.h"
#include "crypto/SecretBox.h"
#include "store/UserRepository.h"

namespace mg::web {

class SecondFactor {
 public:
  static constexpr size_t kRecoveryCodes = 10;
  static constexpr const char* kIssuer = "mailgate";

  SecondFactor(std::shared_ptr<store::UserRepository> users, std::shared_ptr<const crypto::SecretBox> secrets,
               const common::Clock& clock)
      : users_(std::move(users)), secrets_(std::move(secrets)), clock_(clock) {}

  struct Enrolment {
    std::string secret;  // base32, for typing into an app by hand
    std::string uri;     // otpauth://…, for the QR code
  };
  // A new pending secret (replacing any earlier pending one) while TOTP is off; nullopt when it
  // is on (turned off first, so a session alone cannot swap the phone).
  common::Result<std::optional<Enrolment>> begin(const std::string& username);

  enum class Confirm { Enabled, WrongCode, NothingPending };
  struct Confirmed {
    Confirm outcome = Confirm::WrongCode;
    std::vector<std::string> recoveryCodes;  // shown once, when Enabled
  };
  common::Result<Confirmed> confirm(const std::string& username, const std::string& code);

  enum class Outcome { Passed, PassedWithRecoveryCode, Wrong };
  struct Check {
    Outcome outcome = Outcome::Wrong;
    size_t recoveryCodesLeft = 0;
  };
  // A 6-digit code from the app, or a recovery code (spent by this call).
  common::Result<Check> check(const store::UserRecord& user, const std::string& given);

  // A fresh set replacing the old one; false when the user has TOTP off.
  common::Result<bool> replaceRecoveryCodes(const std::string& username, std::vector<std::string>& codes);

  // "abcde-fghij" from what a person may type ("ABCDE FGHIJ", "abcdefghij"); "" when it is not one.
  static std::string normalizeRecoveryCode(const std::string& typed);

 private:
  // The active and the pending secret are bound to different slots: one blob cannot stand in for the other.
  static std::string associatedData(const std::string& username) { return "user:" + username + ":totp"; }
  static std::string pendingData(const std::string& username) { return "user:" + username + ":totp-pending"; }
  std::string recoveryHash(const std::string& username, const std::string& code) const;
  // New codes in `codes`, their stored form returned.
  std::string makeRecoveryCodes(const std::string& username, std::vector<std::string>& codes) const;
  int64_t nowSeconds() const { return clock_.nowMillis() / 1000; }

  std::shared_ptr<store::UserRepository> users_;
  std::shared_ptr<const crypto::SecretBox> secrets_;
  const common::Clock& clock_;
};

}  // namespace mg::web
