#pragma once
// mailgatectl's exit codes (CONTRACT §1): scripts branch on these, so they never change.
namespace mg::ctl {

enum ExitCode : int {
  kExitOk = 0,
  kExitFailed = 1,  // the operation was tried and did not succeed (or the daemon said no)
  kExitUsage = 2,   // the command line was wrong; nothing was tried
};

}  // namespace mg::ctl
