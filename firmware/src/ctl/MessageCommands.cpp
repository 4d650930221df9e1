#include "ctl/MessageCommands.h"

#include <Poco/URI.h>

#include "ctl/ApiError.h"
#include "ctl/ApiJson.h"
#include "ctl/ExitCode.h"
#include "ctl/HeldTable.h"
#include "ctl/MessageView.h"
#include "ctl/StatusView.h"
#include "ctl/TerminalText.h"

namespace mg::ctl {
namespace {

constexpr int kPageSize = 200;
// A runaway cursor (a daemon bug) must not loop forever: 1000 pages is 200 000 messages.
constexpr int kMaxPages = 1000;

std::string messagePath(int64_t id) { return "/api/v1/messages/" + std::to_string(id); }

}  // namespace

int MessageCommands::status() {
  // /healthz needs no token, so status still says something useful when the token is wrong.
  auto health = ctx_.anonymousClient().get("/healthz");
  if (!health) return ctx_.fail(health.errorMessage());
  // 503 is how /healthz says "failed"; its body is still the report.
  if (health->status != 200 && health->status != 503) return ctx_.failResponse(*health, "GET /healthz");
  auto report = ApiJson::parseHealth(health->body);
  if (!report) return ctx_.fail(report.errorMessage());
  ctx_.out() << StatusView::formatHealth(ctx_.endpoint().baseUrl(), *report);

  auto client = ctx_.client();
  if (!client) return ctx_.fail(client.errorMessage());
  auto smtp = (*client)->get("/api/v1/smtp/health");
  if (!smtp) return ctx_.fail(smtp.errorMessage());
  if (!smtp->ok()) return ctx_.failResponse(*smtp, "smtp health");
  auto fields = ApiJson::parseFlat(smtp->body);
  if (!fields) return ctx_.fail(fields.errorMessage());
  ctx_.out() << StatusView::formatSmtp(*fields);
  // The fingerprint lets the operator check the browser's warning about the self-signed page.
  auto status = (*client)->get("/api/v1/status");
  if (!status) return ctx_.fail(status.errorMessage());
  if (!status->ok()) return ctx_.failResponse(*status, "GET /api/v1/status");
  auto fingerprint = ApiJson::parseFingerprint(status->body);
  if (!fingerprint) return ctx_.fail(fingerprint.errorMessage());
  ctx_.out() << "web\n  certificate    " << (fingerprint->empty() ? "none (plain HTTP)" : TerminalText::oneLine(*fingerprint, 120))
             << "\n";
  // Scripts use `mailgatectl status` as a probe: anything but ok is a failure.
  return report->status == "ok" ? kExitOk : kExitFailed;
}

int MessageCommands::held() {
  auto client = ctx_.client();
  if (!client) return ctx_.fail(client.errorMessage());
  std::vector<MessageSummary> all;
  std::optional<std::string> before;
  for (int page = 0; page < kMaxPages; ++page) {
    std::string target = "/api/v1/messages?status=held&limit=" + std::to_string(kPageSize);
    if (before) {
      std::string encoded;
      Poco::URI::encode(*before, "&=+?#/", encoded);
      target += "&before=" + encoded;
    }
    auto res = (*client)->get(target);
    if (!res) return ctx_.fail(res.errorMessage());
    if (!res->ok()) return ctx_.failResponse(*res, "listing held messages");
    auto parsed = ApiJson::parsePage(res->body);
    if (!parsed) return ctx_.fail(parsed.errorMessage());
    for (auto& m : parsed->items) all.push_back(std::move(m));
    if (!parsed->next || parsed->items.empty() || parsed->next == before) break;
    before = parsed->next;
  }
  if (ctx_.invocation().json) {
    ctx_.out() << HeldTable::formatJsonLines(all);
  } else {
    ctx_.out() << HeldTable::format(all, ctx_.clock().nowMillis(), ctx_.width());
  }
  return kExitOk;
}

int MessageCommands::show() {
  auto client = ctx_.client();
  if (!client) return ctx_.fail(client.errorMessage());
  const int64_t id = ctx_.invocation().id;
  auto res = (*client)->get(messagePath(id));
  if (!res) return ctx_.fail(res.errorMessage());
  if (!res->ok()) return ctx_.failResponse(*res);  // the detail already names the message
  auto detail = ApiJson::parseDetail(res->body);
  if (!detail) return ctx_.fail(detail.errorMessage());
  ctx_.out() << MessageView::format(*detail, ctx_.clock().nowMillis());
  return kExitOk;
}

int MessageCommands::release() {
  auto client = ctx_.client();
  if (!client) return ctx_.fail(client.errorMessage());
  const int64_t id = ctx_.invocation().id;
  const std::string ids = std::to_string(id);
  auto res = (*client)->post(messagePath(id) + "/release", ApiJson::releaseBody(ctx_.invocation().to));
  if (!res) return ctx_.fail(res.errorMessage());
  if (res->status == 502) {
    // The upstream (or IMAP server) refused: the message is now release_failed with this reason.
    std::string reason = ApiError::problemDetail(res->body);
    if (reason.empty()) reason = "no reason given";
    return ctx_.fail("releasing " + ids + " failed: " + TerminalText::oneLine(reason, 300) +
                     " — it stays release_failed; fix the cause and run 'mailgatectl release " + ids + "' again");
  }
  if (res->status == 409) return ctx_.failResponse(*res, "releasing " + ids);
  if (!res->ok()) return ctx_.failResponse(*res, "releasing " + ids);
  auto outcome = ApiJson::parseRelease(res->body);
  if (!outcome) return ctx_.fail(outcome.errorMessage());
  ctx_.out() << (outcome->alreadyReleased ? ids + " was already released\n" : "released " + ids + "\n");
  return kExitOk;
}

int MessageCommands::discard() {
  auto client = ctx_.client();
  if (!client) return ctx_.fail(client.errorMessage());
  const std::string ids = std::to_string(ctx_.invocation().id);
  auto res = (*client)->post(messagePath(ctx_.invocation().id) + "/discard", "{}");
  if (!res) return ctx_.fail(res.errorMessage());
  if (!res->ok()) return ctx_.failResponse(*res, "discarding " + ids);
  ctx_.out() << "discarded " << ids << "\n";
  return kExitOk;
}

}  // namespace mg::ctl
