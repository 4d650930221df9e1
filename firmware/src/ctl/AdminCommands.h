#pragma once
// `user add` and `token create`: through the API while mailgated runs, else straight into the
// data dir under the daemon's lock (so the first admin can be made before the first start).
#include <functional>
#include <string>

#include "ctl/CommandContext.h"

namespace mg::ctl {

class OfflineStore;

class AdminCommands {
 public:
  explicit AdminCommands(CommandContext& ctx) : ctx_(ctx) {}

  int userAdd();
  int tokenCreate();

 private:
  // Online when --url is given or the daemon holds its lock; offline (lock held) otherwise.
  int onlineOrOffline(const std::function<int()>& online, const std::function<int(OfflineStore&)>& offline);
  static std::string actor();

  CommandContext& ctx_;
};

}  // namespace mg::ctl
