#pragma once
// `mailgatectl account add|list|test|remove`: online only, through /api/v1/accounts (the
// password must be sealed under the device key, which only the daemon holds).
#include <cstdint>
#include <string>

#include "common/Status.h"
#include "ctl/CommandContext.h"

namespace mg::ctl {

class AccountCommands {
 public:
  explicit AccountCommands(CommandContext& ctx) : ctx_(ctx) {}

  int add();
  int list();
  int test();
  int remove();

 private:
  // The account the operand names: the id as given, or the id of the account with that name.
  common::Result<int64_t> resolve(ApiClient& client);

  CommandContext& ctx_;
};

}  // namespace mg::ctl
