#include "rules/RuleJson.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <algorithm>
#include <sstream>
#include <type_traits>

namespace mg::rules {
namespace {

using common::Result;

template <typename T>
bool readField(const Poco::JSON::Object::Ptr& o, const std::string& key, std::optional<T>& out, std::string& err) {
  if (!o->has(key)) return true;
  const auto v = o->get(key);
  if (v.isEmpty()) {
    out.reset();
    return true;
  }
  try {
    if constexpr (std::is_same_v<T, bool>) {
      if (!v.isBoolean()) throw Poco::BadCastException();
      out = v.extract<bool>();
    } else if constexpr (std::is_same_v<T, std::string>) {
      if (!v.isString()) throw Poco::BadCastException();
      out = v.convert<std::string>();
    } else {
      if (!v.isNumeric()) throw Poco::BadCastException();
      out = v.convert<T>();
    }
    return true;
  } catch (const Poco::Exception&) {
    err = "match." + key + " has the wrong type";
    return false;
  }
}

}  // namespace

namespace {

Poco::JSON::Object::Ptr matchToJson(const RuleMatch& m) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
  if (m.from) o->set("from", *m.from);
  if (m.to) o->set("to", *m.to);
  if (m.subject) o->set("subject", *m.subject);
  if (m.header) o->set("header", *m.header);
  if (m.hasAttachment) o->set("has_attachment", *m.hasAttachment);
  if (m.sizeOver) o->set("size_over", static_cast<Poco::Int64>(*m.sizeOver));
  if (m.flagged) o->set("flagged", *m.flagged);
  return o;
}

Result<RuleMatch> matchFromJson(const Poco::JSON::Object::Ptr& o) {
  RuleMatch m;
  std::string err;
  static const std::vector<std::string> kKnown = {"from", "to", "subject", "header", "has_attachment", "size_over",
                                                  "flagged"};
  for (const auto& [k, v] : *o) {
    if (std::find(kKnown.begin(), kKnown.end(), k) == kKnown.end()) return Result<RuleMatch>::error("unknown match key '" + k + "'");
  }
  std::optional<Poco::Int64> size;
  if (!readField(o, "from", m.from, err) || !readField(o, "to", m.to, err) || !readField(o, "subject", m.subject, err) ||
      !readField(o, "header", m.header, err) || !readField(o, "has_attachment", m.hasAttachment, err) ||
      !readField(o, "size_over", size, err) || !readField(o, "flagged", m.flagged, err)) {
    return Result<RuleMatch>::error(err);
  }
  if (size) m.sizeOver = *size;
  return m;
}

}  // namespace

std::string matchToText(const RuleMatch& m) {
  std::ostringstream ss;
  Poco::JSON::Stringifier::stringify(matchToJson(m), ss);
  return ss.str();
}

Result<RuleMatch> matchFromText(const std::string& json) {
  try {
    Poco::JSON::Parser parser;
    auto v = parser.parse(json);
    auto o = v.extract<Poco::JSON::Object::Ptr>();
    return matchFromJson(o);
  } catch (const Poco::Exception& e) {
    return Result<RuleMatch>::error("match is not a JSON object: " + e.displayText());
  }
}

namespace {

Poco::JSON::Object::Ptr ruleToJson(const Rule& r) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
  o->set("id", static_cast<Poco::Int64>(r.id));
  o->set("name", r.name);
  o->set("scope", r.scope);
  if (r.accountId) o->set("account_id", static_cast<Poco::Int64>(r.accountId));
  o->set("match", matchToJson(r.match));
  o->set("action", r.action);
  if (r.autoReleaseMinutes) o->set("auto_release_minutes", r.autoReleaseMinutes);
  o->set("priority", r.priority);
  o->set("enabled", r.enabled);
  return o;
}

Result<Rule> ruleFromJson(const Poco::JSON::Object::Ptr& o, Rule r) {
  try {
    for (const auto& [k, v] : *o) {
      if (k == "name") {
        if (!v.isString()) return Result<Rule>::error("name must be a string");
        r.name = v.convert<std::string>();
      } else if (k == "scope") {
        r.scope = v.convert<std::string>();
      } else if (k == "account_id") {
        r.accountId = v.isEmpty() ? 0 : v.convert<Poco::Int64>();
      } else if (k == "match") {
        if (v.type() != typeid(Poco::JSON::Object::Ptr)) return Result<Rule>::error("match must be an object");
        auto m = matchFromJson(v.extract<Poco::JSON::Object::Ptr>());
        if (!m) return m.status();
        r.match = m.value();
      } else if (k == "action") {
        r.action = v.convert<std::string>();
      } else if (k == "auto_release_minutes") {
        r.autoReleaseMinutes = v.isEmpty() ? 0 : v.convert<int>();
      } else if (k == "priority") {
        if (!v.isNumeric()) return Result<Rule>::error("priority must be a number");
        r.priority = v.convert<int>();
      } else if (k == "enabled") {
        if (!v.isBoolean()) return Result<Rule>::error("enabled must be true or false");
        r.enabled = v.extract<bool>();
      } else if (k != "id") {
        return Result<Rule>::error("unknown field '" + k + "'");
      }
    }
  } catch (const Poco::Exception& e) {
    return Result<Rule>::error("bad rule: " + e.displayText());
  }
  if (auto err = validate(r); !err.empty()) return Result<Rule>::error(err);
  return r;
}

}  // namespace

std::string ruleToText(const Rule& r) {
  std::ostringstream ss;
  ruleToJson(r)->stringify(ss);
  return ss.str();
}

Result<Rule> ruleFromText(const std::string& json, Rule base) {
  try {
    Poco::JSON::Parser parser;
    auto v = parser.parse(json);
    if (v.type() != typeid(Poco::JSON::Object::Ptr)) return Result<Rule>::error("a rule must be a JSON object");
    return ruleFromJson(v.extract<Poco::JSON::Object::Ptr>(), std::move(base));
  } catch (const Poco::Exception& e) {
    return Result<Rule>::error("a rule must be a JSON object: " + e.displayText());
  }
}

}  // namespace mg::rules
