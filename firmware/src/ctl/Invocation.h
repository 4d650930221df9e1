#pragma once
// What the operator asked for, as parsed from the command line (ArgumentParser). Plain data:
// commands read it, nothing here touches files or the network.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mg::ctl {

inline constexpr const char* kDefaultConfigPath = "/etc/mailgate/mailgate.ini";

enum class Verb {
  Help, Version, Status, Held, Show, Release, Discard, Undiscard, TokenCreate, UserAdd, UserPasswd, UserRemove,
  AccountAdd, AccountList, AccountTest, AccountRemove, BackupNow, BackupList, Restore, SpoolImport,
  AuditVerify, AuditExport, Retention
};

struct GlobalOptions {
  std::string configPath = kDefaultConfigPath;
  std::optional<std::string> url;        // overrides the daemon address derived from the config
  std::optional<std::string> tokenFile;  // default: data_dir/cli.token
};

struct Invocation {
  GlobalOptions global;
  Verb verb = Verb::Help;
  int64_t id = 0;                 // show / release / discard
  bool json = false;              // held --json
  std::vector<std::string> to;    // release --to
  std::string name;               // user add NAME / token create NAME
  std::string role;               // admin | reviewer
  std::optional<std::string> passwordFile;
  std::string path;               // restore FILE / spool import PATH
  bool dryRun = false;            // retention --dry-run
  std::optional<int64_t> since;   // audit export --from (ms)
  std::optional<int64_t> until;   // audit export --to (ms)

  // account add NAME --host H [--port P] [--tls T] --user U [--folder F] [--intercept I];
  // account test|remove take an ID (in `id`) or a NAME (in `name`, resolved over the API).
  std::string host;
  std::optional<int> port;  // absent: the daemon's default for the tls mode (993 / 143)
  std::string tls;          // implicit | starttls | none; empty = the daemon's default
  std::string user;
  std::string folder;       // empty = the daemon's default ("Quarantine")
  std::string intercept;    // all | rules | off; empty = the daemon's default ("rules")
};

}  // namespace mg::ctl
