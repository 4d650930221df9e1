#pragma once
// The commands that work on the data dir itself while mailgated is stopped (CONTRACT §1),
// under the daemon's lock: `restore FILE` and `spool import PATH`. Each refuses while the
// daemon runs, and neither ever drops a message: what it replaces is kept aside.
#include "ctl/CommandContext.h"

namespace mg::ctl {

class OfflineCommands {
 public:
  explicit OfflineCommands(CommandContext& ctx) : ctx_(ctx) {}

  int restore();
  int spoolImport();

 private:
  CommandContext& ctx_;
};

}  // namespace mg::ctl
