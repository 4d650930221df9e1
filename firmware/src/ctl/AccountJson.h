#pragma once
// The accounts API's JSON (CONTRACT §4) as plain structs for `mailgatectl account …`, and the
// body of `account add`. Lenient like ApiJson: a missing or null field is empty.
#include <cstdint>
#include <string>
#include <vector>

#include "common/Status.h"
#include "ctl/Invocation.h"

namespace mg::ctl {

struct AccountItem {
  int64_t id = 0;
  std::string name, host;
  int64_t port = 0;
  std::string tls, username, quarantineFolder, intercept;
  bool enabled = false;
  std::string lastTestOkAt, lastTestAt;  // ISO 8601 as sent; empty = never
  std::string json;                      // the item exactly as the API sent it, compact (account list --json)
};

struct ProbeStageItem {
  std::string name;
  bool ok = false;
  int64_t ms = 0;
  std::string error;
};

struct AccountTestResult {
  bool ok = false;
  std::vector<ProbeStageItem> stages;
};

class AccountJson {
 public:
  // `GET /api/v1/accounts` → the items.
  static common::Result<std::vector<AccountItem>> parseList(const std::string& body);
  static common::Result<AccountItem> parseAccount(const std::string& body);
  static common::Result<AccountTestResult> parseTest(const std::string& body);
  // `POST /api/v1/accounts` for `account add`: only what the operator gave, so the daemon's
  // defaults apply to the rest.
  static std::string addBody(const Invocation& inv, const std::string& password);
};

}  // namespace mg::ctl
