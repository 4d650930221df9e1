#pragma once
// The rule model of CONTRACT §4. A rule matches when every condition it names matches
// (conditions it leaves out match anything); the first enabled rule in priority order
// (lower first, then id) that matches decides; no match → the configured default_action.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mg::rules {

// Text patterns: case-insensitive. "/re/" is an ECMAScript regular expression; a pattern
// with * or ? is a glob over the whole value; anything else matches as a substring.
struct RuleMatch {
  std::optional<std::string> from;     // envelope sender or From header
  std::optional<std::string> to;       // any envelope recipient or To/Cc header
  std::optional<std::string> subject;
  std::optional<std::string> header;   // "Name: pattern"
  std::optional<bool> hasAttachment;
  std::optional<int64_t> sizeOver;     // bytes
  std::optional<bool> flagged;         // IMAP \Flagged; flagged mail is only taken by a rule saying flagged:true
};

struct Rule {
  int64_t id = 0;
  std::string name;
  std::string scope = "smtp";  // smtp | imap | all
  int64_t accountId = 0;       // 0 = any account
  RuleMatch match;
  std::string action = "hold";  // hold | pass
  int autoReleaseMinutes = 0;
  int priority = 100;
  bool enabled = true;
};

// What a rule can look at: the envelope and the headers, never the body.
struct MessageFacts {
  std::string source = "smtp";
  int64_t accountId = 0;
  std::string mailFrom;
  std::vector<std::string> rcptTo;
  std::string fromHeader, toHeader, ccHeader, subject;
  std::vector<std::pair<std::string, std::string>> headers;
  int64_t size = 0;
  bool hasAttachment = false;
  bool flagged = false;
};

struct Decision {
  std::string action;  // hold | pass
  std::optional<Rule> rule;  // the rule that decided, if any
};

bool patternMatches(const std::string& pattern, const std::string& value);
bool ruleApplies(const Rule& rule, const MessageFacts& facts);  // scope, account, enabled and match
Decision decide(const std::vector<Rule>& rules, const MessageFacts& facts, const std::string& defaultAction);
// "" when the rule is valid, else what is wrong (bad regex, unknown scope …).
std::string validate(const Rule& rule);

}  // namespace mg::rules
