#pragma once
// Rules in their JSON form (the API's and the match_json column's), as text: POCO's JSON
// objects stay inside this module (DESIGN §2), and the API parses what it embeds.
#include <string>

#include "common/Status.h"
#include "rules/Rule.h"

namespace mg::rules {

std::string matchToText(const RuleMatch& m);
common::Result<RuleMatch> matchFromText(const std::string& json);

std::string ruleToText(const Rule& r);
// Applies the fields present in `json` (an object) onto `base` (PATCH semantics; POST starts
// from a default Rule).
common::Result<Rule> ruleFromText(const std::string& json, Rule base = {});

}  // namespace mg::rules
