#include "ctl/AccountCommands.h"

#include <strings.h>

#include <algorithm>

#include "ctl/AccountJson.h"
#include "ctl/AccountView.h"
#include "ctl/ExitCode.h"
#include "ctl/PasswordInput.h"
#include "ctl/TerminalText.h"

namespace mg::ctl {
namespace {

std::string accountPath(int64_t id) { return "/api/v1/accounts/" + std::to_string(id); }

}  // namespace

common::Result<int64_t> AccountCommands::resolve(ApiClient& client) {
  const Invocation& inv = ctx_.invocation();
  if (inv.id > 0) return inv.id;
  auto res = client.get("/api/v1/accounts");
  if (!res) return common::Result<int64_t>(res.status());
  if (!res->ok()) return common::Result<int64_t>::error("listing accounts: HTTP " + std::to_string(res->status));
  auto items = AccountJson::parseList(res->body);
  if (!items) return common::Result<int64_t>(items.status());
  // Names are unique without regard to case, as the daemon compares them.
  for (const auto& a : *items) {
    if (::strcasecmp(a.name.c_str(), inv.name.c_str()) == 0) return a.id;
  }
  return common::Result<int64_t>::error("no account named '" + TerminalText::oneLine(inv.name, 64) +
                                        "' (see 'mailgatectl account list')");
}

int AccountCommands::add() {
  const Invocation& inv = ctx_.invocation();
  auto client = ctx_.client();
  if (!client) return ctx_.fail(client.errorMessage());
  auto password = PasswordInput::obtainSecret(inv.passwordFile, "IMAP password: ");
  if (!password) return ctx_.fail("account add " + inv.name + ": " + password.errorMessage());
  std::string body = AccountJson::addBody(inv, *password);
  auto res = (*client)->post("/api/v1/accounts", body);
  // The request body held the password; do not leave it lying in memory longer than needed.
  std::fill(body.begin(), body.end(), '\0');
  std::fill(password->begin(), password->end(), '\0');
  if (!res) return ctx_.fail(res.errorMessage());
  if (!res->ok()) return ctx_.failResponse(*res, "account add " + inv.name);
  auto created = AccountJson::parseAccount(res->body);
  if (!created) return ctx_.fail(created.errorMessage());
  ctx_.out() << "added account " << created->id << " '" << TerminalText::oneLine(created->name, 64) << "' ("
             << TerminalText::oneLine(created->username + "@" + created->host, 120) << ":" << created->port << ", tls "
             << created->tls << "); check it with 'mailgatectl account test " << created->id << "'\n";
  return kExitOk;
}

int AccountCommands::list() {
  auto client = ctx_.client();
  if (!client) return ctx_.fail(client.errorMessage());
  auto res = (*client)->get("/api/v1/accounts");
  if (!res) return ctx_.fail(res.errorMessage());
  if (!res->ok()) return ctx_.failResponse(*res, "listing accounts");
  auto items = AccountJson::parseList(res->body);
  if (!items) return ctx_.fail(items.errorMessage());
  ctx_.out() << (ctx_.invocation().json ? AccountView::formatJsonLines(*items)
                                        : AccountView::formatList(*items, ctx_.width()));
  return kExitOk;
}

int AccountCommands::test() {
  auto client = ctx_.client();
  if (!client) return ctx_.fail(client.errorMessage());
  auto id = resolve(**client);
  if (!id) return ctx_.fail("account test: " + id.errorMessage());
  auto res = (*client)->post(accountPath(*id) + "/test", "{}");
  if (!res) return ctx_.fail(res.errorMessage());
  if (!res->ok()) return ctx_.failResponse(*res, "account test " + std::to_string(*id));
  auto result = AccountJson::parseTest(res->body);
  if (!result) return ctx_.fail(result.errorMessage());
  const std::string label =
      "account " + std::to_string(*id) + (ctx_.invocation().name.empty() ? "" : " '" + ctx_.invocation().name + "'");
  ctx_.out() << AccountView::formatTest(label, *result);
  return result->ok ? kExitOk : kExitFailed;
}

int AccountCommands::remove() {
  auto client = ctx_.client();
  if (!client) return ctx_.fail(client.errorMessage());
  auto id = resolve(**client);
  if (!id) return ctx_.fail("account remove: " + id.errorMessage());
  auto res = (*client)->del(accountPath(*id));
  if (!res) return ctx_.fail(res.errorMessage());
  if (!res->ok()) return ctx_.failResponse(*res, "account remove " + std::to_string(*id));
  ctx_.out() << "removed account " << *id << "\n";
  return kExitOk;
}

}  // namespace mg::ctl
