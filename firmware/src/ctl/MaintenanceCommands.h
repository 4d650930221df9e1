#pragma once
// The operator's upkeep through the running daemon: undiscard, user passwd/remove, backups,
// the audit log and the retention dry run. Each is one or a few API calls and a short answer.
#include "ctl/CommandContext.h"

namespace mg::ctl {

class MaintenanceCommands {
 public:
  explicit MaintenanceCommands(CommandContext& ctx) : ctx_(ctx) {}

  int undiscard();
  int userPasswd();
  int userRemove();
  int backupNow();
  int backupList();
  int auditVerify();
  int auditExport();
  int retention();

 private:
  CommandContext& ctx_;
};

}  // namespace mg::ctl
