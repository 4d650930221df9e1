#pragma once
// Where `user add` gets the password: never from the command line (it would sit in the
// shell history and in /proc/*/cmdline). From --password-file, else a prompt without echo
// on a terminal (asked twice), else one line of stdin (for scripts: `… < file`).
#include <cstddef>
#include <istream>
#include <optional>
#include <string>

#include "common/Status.h"

namespace mg::ctl {

class PasswordInput {
 public:
  static constexpr size_t kMinLength = 10;  // CONTRACT §4: "a password is at least 10 characters"

  // Characters (not bytes) counted, so a non-ASCII passphrase is not held to a stricter rule.
  static common::Status check(const std::string& password);
  // The first line of the file, without its line end.
  static common::Result<std::string> fromFile(const std::string& path);
  // One line of `in` (no prompt).
  static common::Result<std::string> fromStream(std::istream& in);
  // The whole policy above, on the process's stdin and stderr; then check().
  static common::Result<std::string> obtain(const std::optional<std::string>& passwordFile);
  // The same sources for someone else's password (an IMAP account's): no length rule (the
  // server decides), asked once at the prompt (`account test` shows a typo at once).
  static common::Result<std::string> obtainSecret(const std::optional<std::string>& passwordFile, const char* prompt);
};

}  // namespace mg::ctl
