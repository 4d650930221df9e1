#include "ctl/AdminCommands.h"

#include <pwd.h>
#include <unistd.h>

#include "ctl/ApiJson.h"
#include "ctl/DataDirLock.h"
#include "ctl/ExitCode.h"
#include "ctl/OfflineStore.h"
#include "ctl/PasswordInput.h"

namespace mg::ctl {

std::string AdminCommands::actor() {
  // The audit log says who did it; offline there is no API user, only the Unix one.
  struct passwd pw {};
  struct passwd* found = nullptr;
  char buf[1024];
  if (::getpwuid_r(::geteuid(), &pw, buf, sizeof buf, &found) == 0 && found != nullptr)
    return std::string("cli:") + found->pw_name;
  return "cli:uid" + std::to_string(::geteuid());
}

int AdminCommands::onlineOrOffline(const std::function<int()>& online,
                                   const std::function<int(OfflineStore&)>& offline) {
  if (ctx_.invocation().global.url) return online();
  DataDirLock lock = DataDirLock::tryAcquire(ctx_.settings().storage.dataDir);
  switch (lock.state()) {
    case DataDirLock::State::Busy:
      return online();
    case DataDirLock::State::Failed:
      return ctx_.fail(lock.error());
    case DataDirLock::State::Acquired:
      break;
  }
  auto store = OfflineStore::open(std::move(lock), ctx_.settings().storage.dataDir);
  if (!store) return ctx_.fail(store.errorMessage());
  return offline(**store);
}

int AdminCommands::userAdd() {
  const Invocation& inv = ctx_.invocation();
  // Asked before the lock is taken: a person thinking at a prompt must not keep the daemon
  // from starting.
  auto password = PasswordInput::obtain(inv.passwordFile);
  if (!password) return ctx_.fail("user add " + inv.name + ": " + password.errorMessage());
  const std::string done = "added user " + inv.name + " (" + inv.role + ")\n";

  return onlineOrOffline(
      [&] {
        auto client = ctx_.client();
        if (!client) return ctx_.fail(client.errorMessage());
        auto res = (*client)->post("/api/v1/users", ApiJson::userBody(inv.name, *password, inv.role));
        if (!res) return ctx_.fail(res.errorMessage());
        if (!res->ok()) return ctx_.failResponse(*res, "user add " + inv.name);
        ctx_.out() << done;
        return static_cast<int>(kExitOk);
      },
      [&](OfflineStore& store) {
        if (auto st = store.addUser(inv.name, *password, inv.role, actor()); !st.ok()) return ctx_.fail(st.message());
        ctx_.out() << done;
        return static_cast<int>(kExitOk);
      });
}

int AdminCommands::tokenCreate() {
  const Invocation& inv = ctx_.invocation();
  // The token alone goes to stdout, so `TOKEN=$(mailgatectl token create …)` works.
  auto printToken = [&](const std::string& token) {
    ctx_.out() << token << "\n";
    ctx_.err() << "token '" << inv.name << "' (" << inv.role
               << ") created; it is shown only this once and cannot be recovered\n";
    return static_cast<int>(kExitOk);
  };
  return onlineOrOffline(
      [&] {
        auto client = ctx_.client();
        if (!client) return ctx_.fail(client.errorMessage());
        auto res = (*client)->post("/api/v1/tokens", ApiJson::tokenBody(inv.name, inv.role));
        if (!res) return ctx_.fail(res.errorMessage());
        if (!res->ok()) return ctx_.failResponse(*res, "token create " + inv.name);
        auto token = ApiJson::parseCreatedToken(res->body);
        if (!token) return ctx_.fail(token.errorMessage());
        return printToken(*token);
      },
      [&](OfflineStore& store) {
        auto token = store.createToken(inv.name, inv.role, actor());
        if (!token) return ctx_.fail(token.errorMessage());
        return printToken(*token);
      });
}

}  // namespace mg::ctl
