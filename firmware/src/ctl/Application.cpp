#include "ctl/Application.h"

#include <sys/stat.h>

#include <exception>

#include "common/SettingsLoader.h"
#include "ctl/AccountCommands.h"
#include "ctl/AdminCommands.h"
#include "ctl/ApiEndpoint.h"
#include "ctl/ArgumentParser.h"
#include "ctl/CommandContext.h"
#include "ctl/ExitCode.h"
#include "ctl/MaintenanceCommands.h"
#include "ctl/MessageCommands.h"
#include "ctl/OfflineCommands.h"

#ifndef MG_VERSION
#error "MG_VERSION must be defined by the build (the CMake project version)"
#endif

namespace mg::ctl {
namespace {

bool fileExists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

int dispatch(CommandContext& ctx) {
  MessageCommands messages(ctx);
  AdminCommands admin(ctx);
  AccountCommands accounts(ctx);
  MaintenanceCommands upkeep(ctx);
  OfflineCommands offline(ctx);
  switch (ctx.invocation().verb) {
    case Verb::Status: return messages.status();
    case Verb::Held: return messages.held();
    case Verb::Show: return messages.show();
    case Verb::Release: return messages.release();
    case Verb::Discard: return messages.discard();
    case Verb::TokenCreate: return admin.tokenCreate();
    case Verb::UserAdd: return admin.userAdd();
    case Verb::AccountAdd: return accounts.add();
    case Verb::AccountList: return accounts.list();
    case Verb::AccountTest: return accounts.test();
    case Verb::AccountRemove: return accounts.remove();
    case Verb::Undiscard: return upkeep.undiscard();
    case Verb::UserPasswd: return upkeep.userPasswd();
    case Verb::UserRemove: return upkeep.userRemove();
    case Verb::BackupNow: return upkeep.backupNow();
    case Verb::BackupList: return upkeep.backupList();
    case Verb::AuditVerify: return upkeep.auditVerify();
    case Verb::AuditExport: return upkeep.auditExport();
    case Verb::Retention: return upkeep.retention();
    case Verb::Restore: return offline.restore();
    case Verb::SpoolImport: return offline.spoolImport();
    case Verb::Help:
    case Verb::Version: break;
  }
  return kExitUsage;
}

int runParsed(const Invocation& inv, std::ostream& out, std::ostream& err) {
  const std::string& configPath = inv.global.configPath;
  common::Settings settings;
  // With both --url and --token-file the config adds nothing an online command needs, so a
  // workstation without /etc/mailgate can still talk to a device (trusting the system CAs).
  const bool configOptional = inv.global.url && inv.global.tokenFile && !fileExists(configPath);
  if (!configOptional) {
    auto loaded = common::loadSettingsFromFile(configPath);
    if (!loaded.ok()) {
      for (const auto& p : loaded.problems) {
        err << "mailgatectl: " << (p.key == configPath ? "" : configPath + ": ") << p.toString() << "\n";
      }
      return kExitFailed;
    }
    settings = std::move(loaded.settings);
  }
  auto endpoint = ApiEndpointResolver::resolve(settings, inv.global.url);
  if (!endpoint) {
    err << "mailgatectl: " << endpoint.errorMessage() << "\n";
    return kExitUsage;
  }
  CommandContext ctx(inv, std::move(settings), std::move(endpoint).value(), out, err);
  return dispatch(ctx);
}

}  // namespace

const char* Application::version() { return MG_VERSION; }

int Application::run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  try {
    auto parsed = ArgumentParser::parse(args);
    if (!parsed) {
      err << "mailgatectl: " << parsed.errorMessage() << " (see 'mailgatectl --help')\n";
      return kExitUsage;
    }
    if (parsed->verb == Verb::Help) {
      out << ArgumentParser::usage();
      return kExitOk;
    }
    if (parsed->verb == Verb::Version) {
      out << "mailgatectl " << version() << "\n";
      return kExitOk;
    }
    const int code = runParsed(*parsed, out, err);
    out.flush();
    return code;
  } catch (const std::exception& e) {
    // Never a bare exception text: say it is ours and what to do.
    err << "mailgatectl: internal error (" << e.what() << ") — please report this with the command you ran\n";
    return kExitFailed;
  }
}

}  // namespace mg::ctl
