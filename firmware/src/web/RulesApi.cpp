// /api/v1/rules: CRUD (admin) and dry-run (any reader).
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <sstream>

#include "mime/MessageSummary.h"
#include "rules/RuleJson.h"
#include "web/ApiServer.h"
#include "web/MessageJson.h"

namespace mg::web {

namespace {

std::string text(const Poco::JSON::Object::Ptr& o) {
  std::ostringstream ss;
  o->stringify(ss);
  return ss.str();
}

// The rules module speaks JSON text; the API embeds it as an object.
Poco::JSON::Object::Ptr ruleObject(const rules::Rule& r) {
  return Poco::JSON::Parser().parse(rules::ruleToText(r)).extract<Poco::JSON::Object::Ptr>();
}

rules::MessageFacts factsOf(const store::MessageRecord& m, quarantine::QuarantineService& q, bool needHeaders) {
  rules::MessageFacts f;
  f.source = m.source;
  f.accountId = m.accountId;
  f.mailFrom = m.mailFrom;
  f.rcptTo = m.rcptTo;
  f.fromHeader = m.fromHeader;
  f.toHeader = m.toHeader;
  f.subject = m.subject;
  f.size = m.size;
  f.hasAttachment = m.hasAttachments;
  if (needHeaders && m.parsed) {
    if (auto raw = q.locate(m, true); raw) {
      if (auto s = q.parse(raw.value()); s) {
        f.headers = s->headers;
        f.ccHeader = s->cc;
      }
    }
  }
  return f;
}

}  // namespace

void addRuleRoutes(Router& r, ApiContext& c) {
  r.add("GET", "/api/v1/rules", Access::Reader, [&c](RequestContext& ctx) {
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    for (const auto& rule : c.quarantine->ruleBook().rules()) items->add(ruleObject(rule));
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("items", items);
    ctx.sendJson(200, o);
  });

  r.add("POST", "/api/v1/rules", Access::Admin, [&c](RequestContext& ctx) {
    auto body = ctx.readJsonObject();
    if (!body) return;
    for (const char* required : {"name", "action"}) {
      if (!body->has(required)) return ctx.sendProblem(422, "Invalid rule", std::string("'") + required + "' is required");
    }
    auto rule = rules::ruleFromText(text(body));
    if (!rule) return ctx.sendProblem(422, "Invalid rule", rule.errorMessage());
    auto record = quarantine::RuleBook::toRecord(rule.value());
    record.createdAt = c.clock->nowMillis();
    auto added = c.quarantine->ruleBook().repository().insert(record);
    if (!ctx.storeAnswered(added)) return;
    rule->id = added.value();
    c.quarantine->ruleBook().invalidate();
    auto json = ruleObject(rule.value());
    c.auditAction(ctx.principal->name, "rule.create", text(json));
    ctx.sendJson(201, json);
  });

  r.add("PATCH", "/api/v1/rules/{id}", Access::Admin, [&c](RequestContext& ctx) {
    auto id = ctx.intParam("id");
    if (!id) return;
    auto read = c.quarantine->ruleBook().repository().get(*id);
    if (!ctx.storeAnswered(read)) return;
    const auto& existing = read.value();
    if (!existing) return ctx.sendProblem(404, "Not found", "no rule " + std::to_string(*id));
    auto body = ctx.readJsonObject();
    if (!body) return;
    auto rule = rules::ruleFromText(text(body), quarantine::RuleBook::fromRecord(*existing));
    if (!rule) return ctx.sendProblem(422, "Invalid rule", rule.errorMessage());
    rule->id = *id;
    auto record = quarantine::RuleBook::toRecord(rule.value());
    auto updated = c.quarantine->ruleBook().repository().update(record);
    if (!ctx.storeAnswered(updated)) return;
    c.quarantine->ruleBook().invalidate();
    auto json = ruleObject(rule.value());
    c.auditAction(ctx.principal->name, "rule.update", text(json));
    ctx.sendJson(200, json);
  });

  r.add("DELETE", "/api/v1/rules/{id}", Access::Admin, [&c](RequestContext& ctx) {
    auto id = ctx.intParam("id");
    if (!id) return;
    auto removed = c.quarantine->ruleBook().repository().remove(*id);
    if (!ctx.storeAnswered(removed)) return;
    if (!removed.value()) {
      return ctx.sendProblem(404, "Not found", "no rule " + std::to_string(*id));
    }
    c.quarantine->ruleBook().invalidate();
    c.auditAction(ctx.principal->name, "rule.delete", "{\"id\":" + std::to_string(*id) + "}");
    ctx.response().setStatus(Poco::Net::HTTPResponse::HTTP_NO_CONTENT);
    ctx.response().send();
  });

  r.add("POST", "/api/v1/rules/dry-run", Access::Reader, [&c](RequestContext& ctx) {
    auto body = ctx.readJsonObject();
    if (!body) return;
    auto ruleObj = body->getObject("rule");
    if (!ruleObj) return ctx.sendProblem(400, "Bad request", "'rule' must be a rule object");
    rules::Rule base;
    base.name = "dry-run";
    auto rule = rules::ruleFromText(text(ruleObj), base);
    if (!rule) return ctx.sendProblem(422, "Invalid rule", rule.errorMessage());
    int limit = 100;
    if (body->has("limit")) {
      const auto v = body->get("limit");
      if (!v.isInteger() || v.convert<int>() < 1 || v.convert<int>() > 1000) {
        return ctx.sendProblem(400, "Bad request", "'limit' must be a whole number from 1 to 1000");
      }
      limit = v.convert<int>();
    }
    rule->enabled = true;
    Poco::JSON::Array::Ptr matches = new Poco::JSON::Array;
    auto latest = c.quarantine->messages().latest(limit);
    if (!ctx.storeAnswered(latest)) return;
    const auto& recent = latest.value();
    for (const auto& m : recent) {
      if (rules::ruleApplies(rule.value(), factsOf(m, *c.quarantine, rule->match.header.has_value()))) {
        matches->add(messageItem(m));
      }
    }
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("examined", static_cast<int>(recent.size()));
    o->set("matched", static_cast<int>(matches->size()));
    o->set("items", matches);
    ctx.sendJson(200, o);
  });
}

}  // namespace mg::web
