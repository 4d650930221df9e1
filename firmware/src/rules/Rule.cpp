#include "rules/Rule.h"

#include <algorithm>
#include <regex>

#include "common/Text.h"

namespace mg::rules {
namespace {

// Values and patterns are capped: std::regex recurses per character and a hostile
// 100 kB header must not exhaust the stack.
constexpr size_t kMaxValue = 2000;
constexpr size_t kMaxPattern = 256;

bool isRegex(const std::string& p) { return p.size() >= 2 && p.front() == '/' && p.back() == '/'; }

bool globMatch(const char* p, const char* s) {
  // Iterative glob with backtracking to the last '*': linear in practice, no recursion.
  const char* star = nullptr;
  const char* mark = nullptr;
  while (*s) {
    if (*p == '?' || (*p && *p == *s)) {
      ++p;
      ++s;
    } else if (*p == '*') {
      star = p++;
      mark = s;
    } else if (star) {
      p = star + 1;
      s = ++mark;
    } else {
      return false;
    }
  }
  while (*p == '*') ++p;
  return *p == '\0';
}

bool anyMatches(const std::string& pattern, std::initializer_list<const std::string*> values,
                const std::vector<std::string>& more = {}) {
  for (const auto* v : values) {
    if (!v->empty() && patternMatches(pattern, *v)) return true;
  }
  return std::any_of(more.begin(), more.end(), [&](const std::string& v) { return patternMatches(pattern, v); });
}

}  // namespace

bool patternMatches(const std::string& pattern, const std::string& rawValue) {
  const std::string value = rawValue.substr(0, kMaxValue);
  if (isRegex(pattern)) {
    try {
      const std::regex re(pattern.substr(1, pattern.size() - 2), std::regex::ECMAScript | std::regex::icase);
      return std::regex_search(value, re);
    } catch (const std::exception&) {
      return false;  // validate() refuses such rules; a stored bad one matches nothing
    }
  }
  const std::string p = common::toLower(pattern);
  const std::string v = common::toLower(value);
  if (p.find_first_of("*?") != std::string::npos) return globMatch(p.c_str(), v.c_str());
  return v.find(p) != std::string::npos;
}

bool ruleApplies(const Rule& rule, const MessageFacts& f) {
  if (!rule.enabled) return false;
  if (rule.scope != "all" && rule.scope != f.source) return false;
  if (rule.accountId != 0 && rule.accountId != f.accountId) return false;
  const RuleMatch& m = rule.match;
  // Guardrail: a flagged message is someone's marked mail; only a rule that names
  // flagged:true may take it.
  if (f.flagged && m.flagged != true) return false;
  if (m.flagged && *m.flagged != f.flagged) return false;
  if (m.from && !anyMatches(*m.from, {&f.mailFrom, &f.fromHeader})) return false;
  if (m.to && !anyMatches(*m.to, {&f.toHeader, &f.ccHeader}, f.rcptTo)) return false;
  if (m.subject && !patternMatches(*m.subject, f.subject)) return false;
  if (m.hasAttachment && *m.hasAttachment != f.hasAttachment) return false;
  if (m.sizeOver && !(f.size > *m.sizeOver)) return false;
  if (m.header) {
    const size_t colon = m.header->find(':');
    const std::string name(common::trim(m.header->substr(0, colon)));
    const std::string pattern = colon == std::string::npos ? "" : std::string(common::trim(m.header->substr(colon + 1)));
    const bool found = std::any_of(f.headers.begin(), f.headers.end(), [&](const auto& h) {
      return common::iequals(h.first, name) && (pattern.empty() || patternMatches(pattern, h.second));
    });
    if (!found) return false;
  }
  return true;
}

Decision decide(const std::vector<Rule>& rules, const MessageFacts& facts, const std::string& defaultAction) {
  std::vector<const Rule*> ordered;
  for (const auto& r : rules) ordered.push_back(&r);
  std::stable_sort(ordered.begin(), ordered.end(), [](const Rule* a, const Rule* b) {
    return a->priority != b->priority ? a->priority < b->priority : a->id < b->id;
  });
  for (const Rule* r : ordered) {
    if (ruleApplies(*r, facts)) return {r->action, *r};
  }
  return {defaultAction, std::nullopt};
}

std::string validate(const Rule& r) {
  if (r.name.empty()) return "name is required";
  if (r.scope != "smtp" && r.scope != "imap" && r.scope != "all") return "scope must be smtp, imap or all";
  if (r.action != "hold" && r.action != "pass") return "action must be hold or pass";
  if (r.autoReleaseMinutes < 0) return "auto_release_minutes must not be negative";
  if (r.autoReleaseMinutes > 0 && r.action != "hold") return "auto_release_minutes only makes sense for hold rules";
  for (const auto* p : {&r.match.from, &r.match.to, &r.match.subject, &r.match.header}) {
    if (!*p) continue;
    if ((*p)->size() > kMaxPattern) return "a pattern is longer than 256 characters";
    if (isRegex(**p)) {
      try {
        std::regex re((*p)->substr(1, (*p)->size() - 2), std::regex::ECMAScript | std::regex::icase);
      } catch (const std::exception& e) {
        return "bad regular expression " + **p;
      }
    }
  }
  if (r.match.header && r.match.header->find(':') == std::string::npos) return "header must be 'Name: pattern'";
  if (r.match.sizeOver && *r.match.sizeOver < 0) return "size_over must not be negative";
  return "";
}

}  // namespace mg::rules
