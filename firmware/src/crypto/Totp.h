#pragma once
// Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP): HMAC-SHA1, 30-second steps,
// 6 digits — the parameters every authenticator app defaults to, so the QR code needs no
// options a phone might ignore.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mg::crypto {

class Totp {
 public:
  static constexpr int64_t kStepSeconds = 30;
  static constexpr int kDigits = 6;
  static constexpr size_t kSecretSize = 20;  // 160 bits, RFC 4226's recommendation
  // A phone clock a little off still logs in: the previous and the next step count too.
  static constexpr int64_t kWindowSteps = 1;

  // kSecretSize random bytes.
  static std::string generateSecret();
  // RFC 4226 §5.3: the HOTP value for `counter`, truncated to `digits` decimal digits.
  static uint32_t hotp(std::string_view secret, uint64_t counter, int digits = kDigits);
  // The zero-padded code for the step holding `unixSeconds`.
  static std::string code(std::string_view secret, int64_t unixSeconds);
  static int64_t stepAt(int64_t unixSeconds) { return unixSeconds / kStepSeconds; }

  // The step `given` is the code of, within the window around `unixSeconds` and strictly after
  // `lastUsedStep` (a code once accepted, or any earlier one, never works again). nullopt
  // when it is no such code; anything but exactly kDigits digits is refused unread.
  static std::optional<int64_t> verify(std::string_view secret, std::string_view given, int64_t unixSeconds,
                                       int64_t lastUsedStep);

  // otpauth://totp/<issuer>:<account>?secret=…&issuer=…&algorithm=SHA1&digits=6&period=30
  // (the Key Uri Format authenticator apps read from a QR code).
  static std::string uri(std::string_view issuer, std::string_view account, std::string_view secret);
};

}  // namespace mg::crypto
