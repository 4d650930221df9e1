#include "ctl/ArgumentParser.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <map>
#include <set>

#include "common/Clock.h"

namespace mg::ctl {
namespace {

using common::Result;

// Options that take a value, and the flags; anything else starting with '-' is a mistake.
const std::set<std::string> kValueOptions = {"--config", "--url",  "--token-file", "--role",   "--password-file",
                                             "--to",     "--host", "--port",       "--tls",    "--user",
                                             "--folder", "--intercept", "--from"};
const std::set<std::string> kFlags = {"--json", "--dry-run"};

struct Raw {
  std::vector<std::string> positionals;
  std::map<std::string, std::string> values;  // single-valued options
  std::vector<std::string> to;      // --to values as given (addresses, or a time for audit export)
  std::set<std::string> flags;
  std::vector<std::string> seen;  // every option given, in order, for the per-command check
};

bool allDigits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool looksLikeAddress(const std::string& s) {
  const auto at = s.find('@');
  return at != std::string::npos && at > 0 && at + 1 < s.size() && s.find_first_of(" \t<>,;\"") == std::string::npos;
}

// Names end up in the audit log and in tables: keep them to what needs no quoting. User
// names follow the daemon's rule (POST /api/v1/users), so offline and online accept the same.
bool isSimpleName(const std::string& s, bool forUser) {
  if (s.empty() || s.size() > 64) return false;
  return std::all_of(s.begin(), s.end(), [forUser](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' || c == '-' || c == '@' ||
           (!forUser && (c == '+' || c == ':'));
  });
}

// `release --to a@x,b@y c@z`: each value split at commas, each part an address.
common::Result<std::vector<std::string>> addresses(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const auto& value : values) {
    size_t start = 0;
    while (start <= value.size()) {
      const auto comma = value.find(',', start);
      const std::string one = value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (!looksLikeAddress(one)) return common::Result<std::vector<std::string>>::error("--to: '" + one + "' is not a mail address");
      out.push_back(one);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  return out;
}

// A time for audit export: milliseconds since the epoch, or YYYY-MM-DD[THH:MM[:SS]] in UTC.
common::Result<int64_t> parseTime(const std::string& option, const std::string& text) {
  if (allDigits(text) && text.size() <= 15) return static_cast<int64_t>(std::stoll(text));
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  char tail = 0;
  const int n = std::sscanf(text.c_str(), "%4d-%2d-%2d%*[T ]%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &sec, &tail);
  if (!(n == 3 || n == 5 || n == 6) || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) {
    return common::Result<int64_t>::error(option + ": '" + text + "' is not a time (YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS] UTC, or ms)");
  }
  return common::utcMillis(y, mo, d, h, mi, sec);
}

Result<Raw> tokenize(const std::vector<std::string>& args) {
  Raw raw;
  bool optionsDone = false;
  bool afterTo = false;  // `--to a@x b@y`: addresses following --to belong to it
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (optionsDone || arg.empty() || arg[0] != '-' || arg == "-") {
      if (afterTo && !optionsDone && looksLikeAddress(arg)) {
        raw.to.push_back(arg);
        continue;
      }
      afterTo = false;
      raw.positionals.push_back(arg);
      continue;
    }
    afterTo = false;
    if (arg == "--") {
      optionsDone = true;
      continue;
    }
    std::string name = arg;
    std::optional<std::string> value;
    if (const auto eq = arg.find('='); eq != std::string::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
    }
    if (kFlags.count(name) != 0) {
      if (value) return Result<Raw>::error(name + " takes no value");
      raw.flags.insert(name);
      raw.seen.push_back(name);
      continue;
    }
    if (kValueOptions.count(name) == 0) return Result<Raw>::error("unknown option '" + name + "'");
    if (!value) {
      if (i + 1 >= args.size()) return Result<Raw>::error(name + " needs a value");
      value = args[++i];
    }
    if (value->empty()) return Result<Raw>::error(name + " needs a value");
    raw.seen.push_back(name);
    if (name == "--to") {
      raw.to.push_back(*value);
      afterTo = true;
      continue;
    }
    if (raw.values.count(name) != 0) return Result<Raw>::error(name + " given twice");
    raw.values[name] = *value;
  }
  return raw;
}

Result<int64_t> parseId(const std::string& text) {
  const bool digits = !text.empty() && text.size() <= 18 &&
                      std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
  const int64_t id = digits ? std::stoll(text) : 0;
  if (id <= 0) return Result<int64_t>::error("'" + text + "' is not a message id (a number, as 'mailgatectl held' shows)");
  return id;
}

struct CommandSpec {
  Verb verb;
  size_t words;                     // "token create" is two
  size_t operands;                  // positionals after the command words
  const char* operandName;          // for the "needs" message
  std::set<std::string> options;    // command options allowed beside the global ones
};

const std::map<std::string, CommandSpec> kCommands = {
    {"status", {Verb::Status, 1, 0, "", {}}},
    {"held", {Verb::Held, 1, 0, "", {"--json"}}},
    {"show", {Verb::Show, 1, 1, "a message ID", {}}},
    {"release", {Verb::Release, 1, 1, "a message ID", {"--to"}}},
    {"discard", {Verb::Discard, 1, 1, "a message ID", {}}},
    {"undiscard", {Verb::Undiscard, 1, 1, "a message ID", {}}},
    {"user passwd", {Verb::UserPasswd, 2, 1, "a user NAME", {"--password-file"}}},
    {"user remove", {Verb::UserRemove, 2, 1, "a user NAME", {}}},
    {"backup now", {Verb::BackupNow, 2, 0, "", {}}},
    {"backup list", {Verb::BackupList, 2, 0, "", {"--json"}}},
    {"restore", {Verb::Restore, 1, 1, "a backup FILE", {}}},
    {"spool import", {Verb::SpoolImport, 2, 1, "a PATH (an .eml file or a directory of them)", {}}},
    {"audit verify", {Verb::AuditVerify, 2, 0, "", {}}},
    {"audit export", {Verb::AuditExport, 2, 0, "", {"--from", "--to"}}},
    {"retention", {Verb::Retention, 1, 0, "", {"--dry-run"}}},
    {"token create", {Verb::TokenCreate, 2, 1, "a token NAME", {"--role"}}},
    {"user add", {Verb::UserAdd, 2, 1, "a user NAME", {"--role", "--password-file"}}},
    {"account add",
     {Verb::AccountAdd, 2, 1, "an account NAME",
      {"--host", "--port", "--tls", "--user", "--password-file", "--folder", "--intercept"}}},
    {"account list", {Verb::AccountList, 2, 0, "", {"--json"}}},
    {"account test", {Verb::AccountTest, 2, 1, "an account ID or NAME", {}}},
    {"account remove", {Verb::AccountRemove, 2, 1, "an account ID or NAME", {}}},
};

// `account add`'s options → the invocation, with the daemon's own checks repeated where a
// mistake is certain (so it is a usage error, exit 2, before anything is asked or sent).
common::Status parseAccountAdd(const Raw& raw, const std::string& name, Invocation& inv) {
  using common::Status;
  // Characters, as the daemon counts them.
  const auto chars = std::count_if(name.begin(), name.end(), [](char c) { return (c & 0xC0) != 0x80; });
  if (chars == 0 || chars > 64)
    return Status::error("'" + name + "' is not a usable account name (1-64 characters)");
  inv.name = name;
  const auto value = [&raw](const char* opt) {
    const auto it = raw.values.find(opt);
    return it == raw.values.end() ? std::string() : it->second;
  };
  inv.host = value("--host");
  if (inv.host.empty()) return Status::error("'account add' needs --host (the IMAP server)");
  inv.user = value("--user");
  if (inv.user.empty()) return Status::error("'account add' needs --user (the IMAP login name)");
  if (const std::string port = value("--port"); !port.empty()) {
    const int p = port.size() <= 5 && allDigits(port) ? std::stoi(port) : 0;
    if (p < 1 || p > 65535) return Status::error("--port must be a number from 1 to 65535, not '" + port + "'");
    inv.port = p;
  }
  inv.tls = value("--tls");
  if (!inv.tls.empty() && inv.tls != "implicit" && inv.tls != "starttls" && inv.tls != "none")
    return Status::error("--tls must be implicit, starttls or none, not '" + inv.tls + "'");
  inv.intercept = value("--intercept");
  if (!inv.intercept.empty() && inv.intercept != "all" && inv.intercept != "rules" && inv.intercept != "off")
    return Status::error("--intercept must be all, rules or off, not '" + inv.intercept + "'");
  inv.folder = value("--folder");
  return Status::success();
}

const std::set<std::string> kGlobalOptions = {"--config", "--url", "--token-file"};

}  // namespace

Result<Invocation> ArgumentParser::parse(const std::vector<std::string>& args) {
  Invocation inv;
  // --help and --version win over anything else on the line, even a broken one: someone
  // typing `mailgatectl release --help` wants the help, not an error about the missing ID.
  for (const auto& a : args) {
    if (a == "--") break;
    if (a == "--help" || a == "-h") return inv;
  }
  for (const auto& a : args) {
    if (a == "--") break;
    if (a == "--version") {
      inv.verb = Verb::Version;
      return inv;
    }
  }

  auto tokens = tokenize(args);
  if (!tokens) return Result<Invocation>(tokens.status());
  Raw& raw = *tokens;
  if (raw.positionals.empty()) return Result<Invocation>::error("no command given");

  std::string key = raw.positionals[0];
  static const std::set<std::string> kGroups = {"token", "user", "account", "backup", "spool", "audit"};
  if (kGroups.count(raw.positionals[0]) != 0) {
    if (raw.positionals.size() < 2) return Result<Invocation>::error("'" + key + "' needs a subcommand");
    key += " " + raw.positionals[1];
  }
  const auto it = kCommands.find(key);
  if (it == kCommands.end()) return Result<Invocation>::error("unknown command '" + key + "'");
  const CommandSpec& spec = it->second;

  for (const auto& opt : raw.seen) {
    if (kGlobalOptions.count(opt) == 0 && spec.options.count(opt) == 0)
      return Result<Invocation>::error(opt + " does not apply to '" + key + "'");
  }
  const size_t given = raw.positionals.size() - spec.words;
  if (given < spec.operands) return Result<Invocation>::error("'" + key + "' needs " + spec.operandName);
  if (given > spec.operands)
    return Result<Invocation>::error("unexpected argument '" + raw.positionals[spec.words + spec.operands] +
                                     "' for '" + key + "'");

  inv.verb = spec.verb;
  if (auto v = raw.values.find("--config"); v != raw.values.end()) inv.global.configPath = v->second;
  if (auto v = raw.values.find("--url"); v != raw.values.end()) inv.global.url = v->second;
  if (auto v = raw.values.find("--token-file"); v != raw.values.end()) inv.global.tokenFile = v->second;
  if (auto v = raw.values.find("--password-file"); v != raw.values.end()) inv.passwordFile = v->second;
  inv.json = raw.flags.count("--json") != 0;
  inv.dryRun = raw.flags.count("--dry-run") != 0;
  if (spec.verb == Verb::AuditExport) {
    if (raw.to.size() > 1) return Result<Invocation>::error("--to given twice");
    if (!raw.to.empty()) {
      auto t = parseTime("--to", raw.to.front());
      if (!t) return Result<Invocation>(t.status());
      inv.until = *t;
    }
    if (auto v = raw.values.find("--from"); v != raw.values.end()) {
      auto t = parseTime("--from", v->second);
      if (!t) return Result<Invocation>(t.status());
      inv.since = *t;
    }
  } else {
    auto to = addresses(raw.to);
    if (!to) return Result<Invocation>(to.status());
    inv.to = *to;
  }

  const std::string operand = spec.operands > 0 ? raw.positionals[spec.words] : "";
  switch (spec.verb) {
    case Verb::Show:
    case Verb::Release:
    case Verb::Discard:
    case Verb::Undiscard: {
      auto id = parseId(operand);
      if (!id) return Result<Invocation>(id.status());
      inv.id = *id;
      break;
    }
    case Verb::TokenCreate:
    case Verb::UserAdd: {
      const bool forUser = spec.verb == Verb::UserAdd;
      if (!isSimpleName(operand, forUser))
        return Result<Invocation>::error("'" + operand + "' is not a usable name (1-64 letters, digits or . _ - @" +
                                         (forUser ? ")" : " + :)"));
      inv.name = operand;
      const auto role = raw.values.find("--role");
      if (role == raw.values.end()) return Result<Invocation>::error("'" + key + "' needs --role admin|reviewer");
      if (role->second != "admin" && role->second != "reviewer")
        return Result<Invocation>::error("--role must be admin or reviewer, not '" + role->second + "'");
      inv.role = role->second;
      break;
    }
    case Verb::UserPasswd:
    case Verb::UserRemove:
      if (!isSimpleName(operand, true)) return Result<Invocation>::error("'" + operand + "' is not a user name");
      inv.name = operand;
      break;
    case Verb::Restore:
    case Verb::SpoolImport:
      inv.path = operand;
      break;
    case Verb::AccountAdd:
      if (auto st = parseAccountAdd(raw, operand, inv); !st.ok()) return Result<Invocation>(st);
      break;
    case Verb::AccountTest:
    case Verb::AccountRemove:
      // A number is an id; anything else a name, looked up over the API.
      if (allDigits(operand)) {
        auto id = parseId(operand);
        if (!id) return Result<Invocation>::error("'" + operand + "' is not an account id");
        inv.id = *id;
      } else {
        inv.name = operand;
      }
      break;
    default:
      break;
  }
  return inv;
}

std::string ArgumentParser::usage() {
  return "usage: mailgatectl [OPTIONS] COMMAND [ARGS]\n"
         "\n"
         "The operator CLI of mailgate: talks to the running mailgated over its REST API.\n"
         "\n"
         "Commands:\n"
         "  status                          daemon health and SMTP statistics\n"
         "  held [--json]                   list held messages (--json: one JSON object per line)\n"
         "  show ID                         headers, envelope, attachments and text of a message\n"
         "  release ID [--to ADDR...]       release a held message (to other recipients with --to)\n"
         "  discard ID                      discard a held message\n"
         "  undiscard ID                    put a discarded message back to held (until retention purges it)\n"
         "  token create NAME --role ROLE   make an API token (printed once); ROLE admin|reviewer\n"
         "  user add NAME --role ROLE [--password-file F]\n"
         "                                  add an operator; the password comes from F, else a\n"
         "                                  prompt (on a terminal), else one line of stdin\n"
         "  'token create' and 'user add' work offline on the data dir when mailgated is stopped.\n"
         "  account add NAME --host H [--port P] [--tls implicit|starttls|none] --user U\n"
         "              [--password-file F] [--folder Quarantine] [--intercept all|rules|off]\n"
         "                                  add an IMAP account to watch; the password comes from F,\n"
         "                                  else a prompt, else one line of stdin\n"
         "  account list [--json]           the IMAP accounts (--json: one JSON object per line)\n"
         "  account test ID|NAME            connect, TLS, login, list and quarantine folder, each\n"
         "                                  with its time; exit 1 unless every stage passed\n"
         "  account remove ID|NAME          stop watching an account and forget it\n"
         "  user passwd NAME [--password-file F]   set a new password for an operator\n"
         "  user remove NAME                remove an operator\n"
         "  backup now                      make a backup now and print its path\n"
         "  backup list [--json]            the backups kept, newest first\n"
         "  restore FILE                    restore a backup (mailgated stopped); the data it\n"
         "                                  replaces is kept aside in DATA_DIR/pre-restore-*\n"
         "  spool import PATH               import an .eml file or a directory of them as held\n"
         "                                  mail (mailgated stopped), skipping what is stored\n"
         "  audit verify                    check the audit log's hash chain\n"
         "  audit export [--from T] [--to T]   the audit log as JSON lines, oldest first;\n"
         "                                  T is YYYY-MM-DD[THH:MM[:SS]] UTC or ms since the epoch\n"
         "  retention --dry-run             what retention would purge or expire now\n"
         "\n"
         "Options:\n"
         "  --config PATH      configuration file (default /etc/mailgate/mailgate.ini)\n"
         "  --url URL          the daemon's address (default: from [web] listen and tls)\n"
         "  --token-file F     admin API token (default: DATA_DIR/cli.token, written by mailgated)\n"
         "  --help, --version\n"
         "\n"
         "Exit codes: 0 done, 1 the operation failed, 2 usage error.\n";
}

}  // namespace mg::ctl
