#pragma once
// The rules an account's settings must meet before they are stored. Messages name the field
// and what it must be; they never repeat a password.
#include <string>

#include "accounts/Account.h"
#include "common/Status.h"

namespace mg::accounts {

class AccountValidator {
 public:
  static constexpr size_t kMaxName = 64;   // characters
  static constexpr size_t kMaxHost = 253;  // a DNS name's limit
  static constexpr size_t kMaxUsername = 256;
  static constexpr size_t kMaxPassword = 1024;
  static constexpr size_t kMaxFolder = 255;

  // The port an unset `port` gets: 993 for implicit TLS, else 143.
  static int defaultPort(const std::string& tls);
  // Every field of a complete account (after defaults and changes were applied).
  static common::Status check(const Account& a);
  static common::Status checkPassword(const std::string& password);
};

}  // namespace mg::accounts
