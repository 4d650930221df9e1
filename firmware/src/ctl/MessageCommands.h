#pragma once
// The online commands about the daemon and its held mail: status, held, show, release,
// discard. Each returns the process exit code and prints through the context.
#include "ctl/CommandContext.h"

namespace mg::ctl {

class MessageCommands {
 public:
  explicit MessageCommands(CommandContext& ctx) : ctx_(ctx) {}

  int status();
  int held();
  int show();
  int release();
  int discard();

 private:
  CommandContext& ctx_;
};

}  // namespace mg::ctl
