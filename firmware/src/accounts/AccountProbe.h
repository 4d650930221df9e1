#pragma once
// The seam between the accounts service and the IMAP side: "try this account, stage by
// stage". The watcher module implements it with the real IMAP client; the service and the
// API only see the stages. Kept free of POCO and sockets so either side can be faked in tests.
#include <cstdint>
#include <string>
#include <vector>

namespace mg::accounts {

// One account's settings as the IMAP side needs them, password in the clear: made on demand
// by AccountService::settingsFor() and never stored, logged or sent anywhere but the server.
struct AccountSettings {
  int64_t id;
  std::string name, host;
  uint16_t port;
  std::string tls, username, password, quarantineFolder, intercept;
  bool enabled;
};

// connect | tls | login | list | quarantine, in that order. A stage that was not reached
// because an earlier one failed is left out (the failing one is the last in the list).
struct ProbeStage {
  std::string name;
  bool ok;
  int64_t ms;
  std::string error;  // empty when ok; the server's or the socket's words otherwise, never the password
};

class AccountProbe {
 public:
  virtual ~AccountProbe() = default;
  // Blocking (network timeouts apply); must not throw: a failure is a stage with ok=false.
  virtual std::vector<ProbeStage> test(const AccountSettings&) = 0;
};

}  // namespace mg::accounts
