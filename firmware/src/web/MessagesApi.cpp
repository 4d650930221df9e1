// /api/v1/messages: list, show, raw, html, edit, diff, release, discard, undiscard, bulk, preflight.
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Array.h>

#include "common/Metrics.h"
#include "common/Text.h"
#include "mime/MessageSummary.h"
#include "web/ApiServer.h"
#include "web/MessageJson.h"
#include "web/SecurityHeaders.h"
#include "smtp/Address.h"

namespace mg::web {

namespace {

quarantine::Actor actorOf(const RequestContext& ctx) { return {ctx.principal->name, ctx.principal->role}; }

// Release, discard and edit are rate limited per user (limits.release_per_minute).
bool withinRate(RequestContext& ctx, ApiContext& c, const std::string& endpoint) {
  const int64_t wait = c.releaseLimiter->check(ctx.principal->name);
  if (wait == 0) return true;
  common::Metrics::global().increment("mailgate_rate_limited_total", {{"endpoint", endpoint}});
  ctx.response().set("Retry-After", std::to_string(wait));
  ctx.sendProblem(429, "Too many requests",
                  "at most " + std::to_string(c.releaseLimiter->perMinute()) + " changes per minute; retry in " +
                      std::to_string(wait) + " s");
  return false;
}

// Parses {"to":[…]}; sends 400 and returns false when malformed.
bool readRecipients(RequestContext& ctx, const Poco::JSON::Object::Ptr& body, std::optional<std::vector<std::string>>& to) {
  if (!body->has("to") || body->get("to").isEmpty()) return true;
  auto arr = body->getArray("to");
  if (!arr) {
    ctx.sendProblem(400, "Bad request", "'to' must be an array of addresses");
    return false;
  }
  std::vector<std::string> out;
  for (size_t i = 0; i < arr->size(); ++i) {
    const std::string a = arr->get(i).isString() ? arr->get(i).convert<std::string>() : "";
    if (auto parsed = smtp::parseMailbox(a); !parsed) {
      ctx.sendProblem(400, "Bad request", "'" + common::sanitize(a, 80) + "' is not an e-mail address (" +
                                              parsed.errorMessage() + ")");
      return false;
    }
    out.push_back(a);
  }
  if (out.empty()) {
    ctx.sendProblem(400, "Bad request", "'to' must name at least one address");
    return false;
  }
  to = out;
  return true;
}

// One result of a bulk release/discard, with the fields the single call answers (CONTRACT
// §4): `already_released`/`already_discarded` on success; `error` and the single call's HTTP
// status (`http_status`) only where the single call would fail.
Poco::JSON::Object::Ptr bulkItem(const std::string& action, int64_t id, const quarantine::ActionResult& r,
                                 int rateLimitedStatus = 0) {
  using quarantine::Outcome;
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
  o->set("id", static_cast<Poco::Int64>(id));
  const bool release = action == "release";
  if (rateLimitedStatus == 0 && (r.outcome == Outcome::Done || r.outcome == Outcome::AlreadyDone)) {
    o->set("status", release ? "released" : "discarded");
    o->set(release ? "already_released" : "already_discarded", r.outcome == Outcome::AlreadyDone);
    if (!r.unrecorded.empty()) o->set("warning", r.unrecorded);
    return o;
  }
  int http = rateLimitedStatus;
  if (http == 0) {
    switch (r.outcome) {
      case Outcome::NotFound: http = 404; break;
      case Outcome::Failed: http = release ? 502 : 500; break;
      case Outcome::Unavailable: http = 503; break;
      case Outcome::Conflict:
      case Outcome::Invalid:
      default: http = 409; break;
    }
  }
  if (r.outcome == Outcome::Failed && release) {
    o->set("status", "release_failed");
    if (!r.unrecorded.empty()) o->set("warning", r.unrecorded);
  } else if (!r.status.empty()) {
    o->set("status", r.status);  // what the message is now
  } else {
    o->set("status", Poco::Dynamic::Var());  // unknown id, or not looked at
  }
  o->set("error", r.detail);
  o->set("http_status", http);
  return o;
}

void sendRelease(RequestContext& ctx, const quarantine::ActionResult& r) {
  using quarantine::Outcome;
  switch (r.outcome) {
    case Outcome::Done:
    case Outcome::AlreadyDone: {
      Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
      o->set("id", static_cast<Poco::Int64>(r.id));
      o->set("status", "released");
      o->set("already_released", r.outcome == Outcome::AlreadyDone);
      // It went out; only the database has not taken the record yet (it is retried).
      if (!r.unrecorded.empty()) o->set("warning", r.unrecorded);
      ctx.sendJson(200, o);
      return;
    }
    case Outcome::Unavailable: ctx.sendStoreUnavailable(r.detail); return;
    case Outcome::NotFound: ctx.sendProblem(404, "Not found", r.detail); return;
    case Outcome::Gone: ctx.sendProblem(410, "Gone", r.detail); return;
    case Outcome::Conflict: ctx.sendProblem(409, "Conflict", r.detail); return;
    case Outcome::Invalid: ctx.sendProblem(409, "Conflict", r.detail); return;
    case Outcome::Failed: {
      Poco::JSON::Object::Ptr extra = new Poco::JSON::Object;
      extra->set("id", static_cast<Poco::Int64>(r.id));
      extra->set("status", "release_failed");
      extra->set("http_status", 502);
      if (!r.unrecorded.empty()) extra->set("warning", r.unrecorded);
      ctx.sendProblem(502, "Release failed", r.detail, extra);
      return;
    }
  }
}

}  // namespace

namespace {
// CONTRACT §4 held_by: the rule that decided and what it matches (its match criteria as they
// are now; null once the rule is removed), all null when the default action decided. IMAP
// mail names its account in account_id beside it.
Poco::JSON::Object::Ptr heldBy(ApiContext& c, const store::MessageRecord& m) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
  o->set("rule_id", m.ruleId ? Poco::Dynamic::Var(static_cast<Poco::Int64>(m.ruleId)) : Poco::Dynamic::Var());
  o->set("rule_name", m.ruleName.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(m.ruleName));
  Poco::Dynamic::Var match;
  if (m.ruleId) {
    if (auto rule = c.quarantine->ruleBook().repository().get(m.ruleId); rule && rule.value()) {
      try {
        match = Poco::JSON::Parser().parse(rule.value()->matchJson);
      } catch (const Poco::Exception&) {
        match = rule.value()->matchJson;  // shown as text rather than dropped
      }
    }
  }
  o->set("match", match);
  return o;
}
// The message of the {id} path parameter; nullopt once a 400, 404 or 503 has been sent.
std::optional<store::MessageRecord> messageOf(RequestContext& ctx, ApiContext& c) {
  auto id = ctx.intParam("id");
  if (!id) return std::nullopt;
  auto row = c.quarantine->messages().get(*id);
  if (!ctx.storeAnswered(row)) return std::nullopt;
  if (!row.value()) ctx.sendProblem(404, "Not found", "no message " + std::to_string(*id));
  return row.value();
}
}  // namespace

void addMessageRoutes(Router& r, ApiContext& c) {
  r.add("GET", "/api/v1/messages", Access::Reader, [&c](RequestContext& ctx) {
    store::MessageFilter f;
    f.status = ctx.query("status");
    f.source = ctx.query("source");
    f.query = ctx.query("q");
    auto account = ctx.intQuery("account", 0, 0, INT64_MAX);
    auto limit = ctx.intQuery("limit", 50, 1, 500);
    auto before = ctx.intQuery("before", 0, 0, INT64_MAX);
    if (!account || !limit || !before) return;
    f.accountId = *account;
    f.limit = static_cast<int>(*limit) + 1;  // one more tells whether there is a next page
    f.beforeId = *before;
    auto listed = c.quarantine->messages().list(f);
    if (!ctx.storeAnswered(listed)) return;
    const auto& rows = listed.value();
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    const size_t shown = std::min(rows.size(), static_cast<size_t>(*limit));
    for (size_t i = 0; i < shown; ++i) items->add(messageItem(rows[i]));
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("items", items);
    if (rows.size() > shown) o->set("next", std::to_string(rows[shown - 1].id));
    else o->set("next", Poco::Dynamic::Var());
    ctx.sendJson(200, o);
  });

  r.add("GET", "/api/v1/messages/{id}", Access::Reader, [&c](RequestContext& ctx) {
    const auto m = messageOf(ctx, c);
    if (!m) return;
    const int64_t id = m->id;
    mime::MessageSummary summary;
    // Parsed from the spool file, never read whole into memory.
    auto raw = c.quarantine->locate(*m, false);
    if (!m->parsed) {
      // Held unparsed after a crash in the parser: parsing it here could crash again.
      summary.limitNotes.push_back(m->contentNote);
      summary.hiddenParts = 1;
    } else if (raw) {
      if (auto s = c.quarantine->parse(raw.value()); s) {
        summary = s.value();
      } else {
        summary.limitNotes.push_back("the content could not be parsed (" + s.errorMessage() +
                                     "); only the raw message is shown");
      }
    }
    auto versions = c.quarantine->messages().versions(id);
    if (!ctx.storeAnswered(versions)) return;
    auto o = messageDetail(*m, summary, versions.value());
    if (!raw) o->set("spool_error", raw.errorMessage());
    o->set("held_by", heldBy(c, *m));
    ctx.sendJson(200, o);
  });

  r.add("GET", "/api/v1/messages/{id}/raw", Access::Reader, [&c](RequestContext& ctx) {
    auto id = ctx.intParam("id");
    if (!id) return;
    const std::string version = ctx.query("version", "current");
    if (version != "current" && version != "original") {
      return ctx.sendProblem(400, "Bad request", "version must be 'original' or 'current'");
    }
    auto raw = c.quarantine->rawMessage(*id, version == "original");
    if (!raw) return ctx.sendProblem(404, "Not found", raw.errorMessage());
    ctx.response().set("Content-Disposition", "attachment; filename=\"message-" + std::to_string(*id) + ".eml\"");
    ctx.sendText(200, "message/rfc822", raw.value());
  });

  // The HTML part for the page's sandboxed frame: its own policy (no script, no network, no
  // same-origin: `sandbox` makes it an opaque origin that cannot read the API) lets the
  // page frame it, and nothing else may.
  r.add("GET", "/api/v1/messages/{id}/html", Access::Reader, [&c](RequestContext& ctx) {
    const auto m = messageOf(ctx, c);
    if (!m) return;
    const int64_t id = m->id;
    if (!m->parsed) return ctx.sendProblem(404, "Not found", "message " + std::to_string(id) + " is held unparsed: " + m->contentNote);
    auto raw = c.quarantine->locate(*m, false);
    if (!raw) return ctx.sendProblem(404, "Not found", raw.errorMessage());
    auto summary = c.quarantine->parse(raw.value(), true);
    if (!summary) return ctx.sendProblem(404, "Not found", "the content could not be parsed: " + summary.errorMessage());
    if (!summary->htmlPresent) return ctx.sendProblem(404, "Not found", "message " + std::to_string(id) + " has no HTML part");
    ctx.response().set("Content-Security-Policy", kHtmlPartPolicy);
    ctx.response().set("X-Frame-Options", "SAMEORIGIN");
    ctx.response().set("X-DNS-Prefetch-Control", "off");  // <link rel=dns-prefetch> is not a fetch CSP stops
    ctx.response().set("Cache-Control", "no-store");
    if (summary->htmlTruncated) ctx.response().set("X-Mailgate-Truncated", "1");
    ctx.sendText(200, "text/html; charset=utf-8", summary->html);
  });

  r.add("PATCH", "/api/v1/messages/{id}", Access::Reviewer, [&c](RequestContext& ctx) {
    auto id = ctx.intParam("id");
    if (!id) return;
    auto body = ctx.readJsonObject();
    if (!body) return;
    std::optional<std::string> subject, text;
    for (const auto& [k, v] : *body) {
      if (k != "subject" && k != "text") return ctx.sendProblem(400, "Bad request", "only 'subject' and 'text' can be edited");
      if (!v.isString()) return ctx.sendProblem(400, "Bad request", "'" + k + "' must be a string");
      (k == "subject" ? subject : text) = v.convert<std::string>();
    }
    if (!withinRate(ctx, c, "edit")) return;
    auto e = c.quarantine->edit(*id, actorOf(ctx), subject, text);
    using quarantine::Outcome;
    if (e.outcome == Outcome::NotFound) return ctx.sendProblem(404, "Not found", e.detail);
    if (e.outcome == Outcome::Conflict) return ctx.sendProblem(409, "Conflict", e.detail);
    if (e.outcome == Outcome::Invalid) return ctx.sendProblem(422, "Cannot edit", e.detail);
    if (e.outcome == Outcome::Unavailable) return ctx.sendStoreUnavailable(e.detail);
    if (e.outcome != Outcome::Done) return ctx.sendProblem(500, "Edit failed", e.detail);
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("id", static_cast<Poco::Int64>(*id));
    o->set("version", e.version);
    o->set("diff", e.diff);
    ctx.sendJson(200, o);
  });

  r.add("GET", "/api/v1/messages/{id}/diff", Access::Reader, [&c](RequestContext& ctx) {
    auto id = ctx.intParam("id");
    if (!id) return;
    auto d = c.quarantine->diff(*id);
    if (!d) return ctx.sendProblem(404, "Not found", d.errorMessage());
    ctx.sendText(200, "text/x-diff; charset=utf-8", d.value());
  });

  r.add("POST", "/api/v1/messages/{id}/release", Access::Reviewer, [&c](RequestContext& ctx) {
    auto id = ctx.intParam("id");
    if (!id) return;
    auto body = ctx.readJsonObject(true);
    if (!body) return;
    std::optional<std::vector<std::string>> to;
    if (!readRecipients(ctx, body, to)) return;
    if (!withinRate(ctx, c, "release")) return;
    sendRelease(ctx, c.quarantine->release(*id, actorOf(ctx), to));
  });

  r.add("POST", "/api/v1/messages/{id}/discard", Access::Reviewer, [&c](RequestContext& ctx) {
    auto id = ctx.intParam("id");
    if (!id) return;
    if (!withinRate(ctx, c, "discard")) return;
    auto res = c.quarantine->discard(*id, actorOf(ctx));
    using quarantine::Outcome;
    if (res.outcome == Outcome::NotFound) return ctx.sendProblem(404, "Not found", res.detail);
    if (res.outcome == Outcome::Conflict) return ctx.sendProblem(409, "Conflict", res.detail);
    if (res.outcome == Outcome::Unavailable) return ctx.sendStoreUnavailable(res.detail);
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("id", static_cast<Poco::Int64>(*id));
    o->set("status", "discarded");
    o->set("already_discarded", res.outcome == Outcome::AlreadyDone);
    ctx.sendJson(200, o);
  });

  // A discarded message back to held while retention keeps its bytes; 410 once purged.
  r.add("POST", "/api/v1/messages/{id}/undiscard", Access::Reviewer, [&c](RequestContext& ctx) {
    auto id = ctx.intParam("id");
    if (!id) return;
    if (!withinRate(ctx, c, "undiscard")) return;
    auto res = c.quarantine->undiscard(*id, actorOf(ctx));
    using quarantine::Outcome;
    if (res.outcome == Outcome::NotFound) return ctx.sendProblem(404, "Not found", res.detail);
    if (res.outcome == Outcome::Gone) return ctx.sendProblem(410, "Gone", res.detail);
    if (res.outcome == Outcome::Conflict) return ctx.sendProblem(409, "Conflict", res.detail);
    if (res.outcome == Outcome::Unavailable) return ctx.sendStoreUnavailable(res.detail);
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("id", static_cast<Poco::Int64>(*id));
    o->set("status", "held");
    o->set("already_held", res.outcome == Outcome::AlreadyDone);
    ctx.sendJson(200, o);
  });

  for (const std::string action : {"release", "discard"}) {
    r.add("POST", "/api/v1/messages/" + action, Access::Reviewer, [&c, action](RequestContext& ctx) {
      auto body = ctx.readJsonObject();
      if (!body) return;
      auto ids = body->getArray("ids");
      if (!ids || ids->size() == 0 || ids->size() > 500) {
        return ctx.sendProblem(400, "Bad request", "'ids' must be an array of 1 to 500 message ids");
      }
      Poco::JSON::Array::Ptr results = new Poco::JSON::Array;
      for (size_t i = 0; i < ids->size(); ++i) {
        const auto v = ids->get(i);
        if (!v.isInteger()) {
          Poco::JSON::Object::Ptr bad = new Poco::JSON::Object;
          bad->set("id", v);
          bad->set("status", Poco::Dynamic::Var());
          bad->set("error", "not a message id");
          bad->set("http_status", 400);
          results->add(bad);
          continue;
        }
        const int64_t id = v.convert<Poco::Int64>();
        if (int64_t wait = c.releaseLimiter->check(ctx.principal->name); wait > 0) {
          common::Metrics::global().increment("mailgate_rate_limited_total", {{"endpoint", action}});
          results->add(bulkItem(action, id, {quarantine::Outcome::Invalid, id, "", "rate limited; retry in " + std::to_string(wait) + " s", ""}, 429));
          continue;
        }
        const quarantine::Actor actor = actorOf(ctx);
        const auto res = action == "release" ? c.quarantine->release(id, actor) : c.quarantine->discard(id, actor);
        results->add(bulkItem(action, id, res));
      }
      Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
      o->set("results", results);
      ctx.sendJson(200, o);
    });
  }

  r.add("GET", "/api/v1/messages/{id}/preflight", Access::Reader, [&c](RequestContext& ctx) {
    const auto m = messageOf(ctx, c);
    if (!m) return;
    Poco::JSON::Array::Ptr warnings = new Poco::JSON::Array;
    const auto settings = c.settings();
    const auto& ups = settings->upstreams;
    if (m->source == "smtp" && ups.empty()) warnings->add("no upstream relay is configured; a release cannot be delivered");
    if (!ups.empty()) {
      const auto& u = ups.front();
      const std::string fromAddr = common::toLower(m->fromHeader.empty() ? m->mailFrom : m->fromHeader);
      if (!u.username.empty() && u.username.find('@') != std::string::npos &&
          fromAddr.find(common::toLower(u.username)) == std::string::npos) {
        warnings->add("From '" + m->fromHeader + "' does not match the relay login '" + u.username +
                      "'; the relay may refuse or rewrite it");
      }
      if (u.maxMessageBytes > 0 && static_cast<uint64_t>(m->size) > u.maxMessageBytes) {
        warnings->add("size " + std::to_string(m->size) + " bytes is over relay " + u.name + "'s limit of " +
                      std::to_string(u.maxMessageBytes));
      }
    }
    const auto& allowed = settings->relay.allowedDomains;
    if (!allowed.empty()) {
      for (const auto& rcpt : m->rcptTo) {
        const std::string domain = common::toLower(rcpt.substr(rcpt.find('@') + 1));
        bool ok = false;
        for (const auto& a : allowed) ok |= common::toLower(a) == domain;
        if (!ok) warnings->add("recipient " + rcpt + " is outside the allowed domains");
      }
    }
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("id", static_cast<Poco::Int64>(m->id));
    o->set("ok", warnings->size() == 0);
    o->set("warnings", warnings);
    ctx.sendJson(200, o);
  });
}

}  // namespace mg::web
