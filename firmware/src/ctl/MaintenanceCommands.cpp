#include "ctl/MaintenanceCommands.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <sstream>
#include <vector>

#include "ctl/ExitCode.h"
#include "ctl/HumanUnits.h"
#include "ctl/JsonFields.h"
#include "ctl/PasswordInput.h"

namespace mg::ctl {
namespace {

Poco::JSON::Object::Ptr parseObject(const std::string& body) {
  try {
    Poco::JSON::Parser p;
    return p.parse(body).extract<Poco::JSON::Object::Ptr>();
  } catch (const std::exception&) {
    return nullptr;
  }
}

std::string compact(const Poco::Dynamic::Var& v) {
  std::ostringstream out;
  Poco::JSON::Stringifier::condense(v, out);
  return out.str();
}

// A user name in a path: the names the parser accepts need no escaping but '@'.
std::string userPath(const std::string& name) {
  std::string out = "/api/v1/users/";
  for (char c : name) out += c == '@' ? std::string("%40") : std::string(1, c);
  return out;
}

}  // namespace

int MaintenanceCommands::undiscard() {
  auto client = ctx_.client();
  if (!client) return ctx_.fail(client.errorMessage());
  const std::string id = std::to_string(ctx_.invocation().id);
  auto res = (*client)->post("/api/v1/messages/" + id + "/undiscard", "{}");
  if (!res) return ctx_.fail(res.errorMessage());
  if (!res->ok()) return ctx_.failResponse(*res, "undiscarding " + id);
  auto o = parseObject(res->body);
  ctx_.out() << (o && json::flag(o, "already_held") ? id + " is already held\n" : "put " + id + " back to held\n");
  return kExitOk;
}

int MaintenanceCommands::userPasswd() {
  const Invocation& inv = ctx_.invocation();
  auto password = PasswordInput::obtain(inv.passwordFile);
  if (!password) return ctx_.fail("user passwd " + inv.name + ": " + password.errorMessage());
  auto client = ctx_.client();
  if (!client) return ctx_.fail(client.errorMessage());
  Poco::JSON::Object body;
  body.set("password", *password);
  auto res = (*client)->patch(userPath(inv.name), compact(body));
  if (!res) return ctx_.fail(res.errorMessage());
  if (!res->ok()) return ctx_.failResponse(*res, "user passwd " + inv.name);
  ctx_.out() << "password of " << inv.name << " changed\n";
  return kExitOk;
}

int MaintenanceCommands::userRemove() {
  const Invocation& inv = ctx_.invocation();
  auto client = ctx_.client();
  if (!client) return ctx_.fail(client.errorMessage());
  auto res = (*client)->del(userPath(inv.name));
  if (!res) return ctx_.fail(res.errorMessage());
  if (!res->ok()) return ctx_.failResponse(*res, "user remove " + inv.name);
  ctx_.out() << "removed user " << inv.name << "\n";
  return kExitOk;
}

int MaintenanceCommands::backupNow() {
  auto client = ctx_.client();
  if (!client) return ctx_.fail(client.errorMessage());
  auto res = (*client)->post("/api/v1/backups", "{}");
  if (!res) return ctx_.fail(res.errorMessage());
  if (!res->ok()) return ctx_.failResponse(*res, "backup now");
  auto o = parseObject(res->body);
  if (!o) return ctx_.fail(json::unexpectedAnswer("the backup made"));
  // The path alone on stdout (an OTA script keeps it); the summary on stderr.
  ctx_.out() << json::text(o, "path") << "\n";
  ctx_.err() << "backup " << json::text(o, "name") << ": " << HumanUnits::size(json::number(o, "size")) << ", "
             << json::number(o, "messages") << " message(s), " << json::number(o, "spool_files") << " spool file(s)";
  if (auto rotated = o->getArray("rotated"); rotated && rotated->size() > 0) {
    ctx_.err() << "; rotation removed " << rotated->size() << " older backup(s)";
  }
  ctx_.err() << "\n";
  return kExitOk;
}

int MaintenanceCommands::backupList() {
  auto client = ctx_.client();
  if (!client) return ctx_.fail(client.errorMessage());
  auto res = (*client)->get("/api/v1/backups");
  if (!res) return ctx_.fail(res.errorMessage());
  if (!res->ok()) return ctx_.failResponse(*res, "backup list");
  auto o = parseObject(res->body);
  auto items = o ? o->getArray("items") : nullptr;
  if (!items) return ctx_.fail(json::unexpectedAnswer("the backup list"));
  if (ctx_.invocation().json) {
    for (size_t i = 0; i < items->size(); ++i) ctx_.out() << compact(items->get(static_cast<unsigned>(i))) << "\n";
    return kExitOk;
  }
  if (items->size() == 0) {
    ctx_.out() << "no backups in " << json::text(o, "dir") << "\n";
    return kExitOk;
  }
  for (size_t i = 0; i < items->size(); ++i) {
    auto b = items->getObject(static_cast<unsigned>(i));
    ctx_.out() << json::text(b, "created_at") << "  " << HumanUnits::size(json::number(b, "size")) << "  "
               << json::text(b, "path") << "\n";
  }
  ctx_.out() << items->size() << " backup(s), " << HumanUnits::size(json::number(o, "total_bytes")) << " of "
             << HumanUnits::size(json::number(o, "max_total_bytes")) << " (keep " << json::number(o, "keep") << ")\n";
  if (const std::string err = json::text(o, "last_error"); !err.empty()) {
    ctx_.out() << "the last backup failed: " << err << "\n";
  }
  return kExitOk;
}

int MaintenanceCommands::auditVerify() {
  auto client = ctx_.client();
  if (!client) return ctx_.fail(client.errorMessage());
  auto res = (*client)->get("/api/v1/audit/verify");
  if (!res) return ctx_.fail(res.errorMessage());
  if (!res->ok()) return ctx_.failResponse(*res, "audit verify");
  auto o = parseObject(res->body);
  if (!o) return ctx_.fail(json::unexpectedAnswer("the audit check"));
  if (json::flag(o, "ok")) {
    ctx_.out() << "audit log intact: " << json::number(o, "entries") << " entries, each hash covers the one before\n";
    return kExitOk;
  }
  return ctx_.fail("audit log broken at entry " + std::to_string(json::number(o, "first_bad_seq")) +
                   ": it or an earlier entry was changed or removed");
}

int MaintenanceCommands::auditExport() {
  auto client = ctx_.client();
  if (!client) return ctx_.fail(client.errorMessage());
  const Invocation& inv = ctx_.invocation();
  std::string filter;
  if (inv.since) filter += "&from=" + std::to_string(*inv.since);
  if (inv.until) filter += "&to=" + std::to_string(*inv.until);
  // The API pages newest first; the export is oldest first, as a log is read.
  std::vector<std::string> lines;
  std::string before;
  while (true) {
    auto res = (*client)->get("/api/v1/audit?limit=1000" + filter + (before.empty() ? "" : "&before=" + before));
    if (!res) return ctx_.fail(res.errorMessage());
    if (!res->ok()) return ctx_.failResponse(*res, "audit export");
    auto o = parseObject(res->body);
    auto items = o ? o->getArray("items") : nullptr;
    if (!items) return ctx_.fail(json::unexpectedAnswer("the audit log"));
    for (size_t i = 0; i < items->size(); ++i) lines.push_back(compact(items->get(static_cast<unsigned>(i))));
    before = json::text(o, "next");
    if (before.empty() || items->size() == 0) break;
  }
  for (auto it = lines.rbegin(); it != lines.rend(); ++it) ctx_.out() << *it << "\n";
  return kExitOk;
}

int MaintenanceCommands::retention() {
  if (!ctx_.invocation().dryRun) {
    return ctx_.fail("retention runs by itself inside mailgated; 'mailgatectl retention --dry-run' shows what it would remove now");
  }
  auto client = ctx_.client();
  if (!client) return ctx_.fail(client.errorMessage());
  auto res = (*client)->get("/api/v1/retention?limit=1000");
  if (!res) return ctx_.fail(res.errorMessage());
  if (!res->ok()) return ctx_.failResponse(*res, "retention --dry-run");
  auto o = parseObject(res->body);
  auto purge = o ? o->getArray("purge") : nullptr;
  auto expire = o ? o->getArray("expire") : nullptr;
  auto policy = o ? o->getObject("policy") : nullptr;
  if (!purge || !expire || !policy) return ctx_.fail(json::unexpectedAnswer("the retention dry run"));
  ctx_.out() << "policy: done mail kept " << json::number(policy, "done_max_age_days") << " days and at most "
             << json::number(policy, "done_max_messages") << " messages; held mail "
             << (json::number(policy, "held_max_age_days") > 0
                     ? "discarded after " + std::to_string(json::number(policy, "held_max_age_days")) + " days"
                     : std::string("kept until reviewed"))
             << "\n";
  for (size_t i = 0; i < purge->size(); ++i) {
    auto m = purge->getObject(static_cast<unsigned>(i));
    ctx_.out() << "would purge   " << json::number(m, "id") << "  " << json::text(m, "status") << " "
               << json::text(m, "done_at") << "  " << json::text(m, "subject") << "\n";
  }
  for (size_t i = 0; i < expire->size(); ++i) {
    auto m = expire->getObject(static_cast<unsigned>(i));
    ctx_.out() << "would discard " << json::number(m, "id") << "  held  " << json::text(m, "subject") << "\n";
  }
  ctx_.out() << purge->size() << " to purge, " << expire->size() << " held to discard"
             << (purge->size() >= 1000 || expire->size() >= 1000 ? " (the first 1000 of each)" : "") << "; nothing changed\n";
  return kExitOk;
}

}  // namespace mg::ctl
