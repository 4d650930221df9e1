#pragma once
// Rules in their JSON form (the API's and the match_json column's), via Poco::JSON.
#include <Poco/JSON/Object.h>

#include <string>

#include "common/Status.h"
#include "rules/Rule.h"

namespace mg::rules {

Poco::JSON::Object::Ptr matchToJson(const RuleMatch& m);
common::Result<RuleMatch> matchFromJson(const Poco::JSON::Object::Ptr& o);
std::string matchToText(const RuleMatch& m);
common::Result<RuleMatch> matchFromText(const std::string& json);

Poco::JSON::Object::Ptr ruleToJson(const Rule& r);
// Applies the fields present in `o` onto `base` (PATCH semantics; POST starts from a default Rule).
common::Result<Rule> ruleFromJson(const Poco::JSON::Object::Ptr& o, Rule base = {});

}  // namespace mg::rules
