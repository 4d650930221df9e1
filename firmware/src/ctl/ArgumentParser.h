#pragma once
// The command line → Invocation, with no side effects, so every usage error is unit-tested.
// An error's message says what is wrong in operator terms; the caller adds the
// "mailgatectl: " prefix and the hint to --help, and exits with kExitUsage.
#include <string>
#include <vector>

#include "common/Status.h"
#include "ctl/Invocation.h"

namespace mg::ctl {

class ArgumentParser {
 public:
  // `args` excludes argv[0]. Global options may appear before or after the command.
  static common::Result<Invocation> parse(const std::vector<std::string>& args);
  // The --help text (commands, options, exit codes), ending with a newline.
  static std::string usage();
};

}  // namespace mg::ctl
