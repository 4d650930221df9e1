#include "quarantine/RuleBook.h"

#include "common/Log.h"
#include "rules/RuleJson.h"

namespace mg::quarantine {

rules::Rule RuleBook::fromRecord(const store::RuleRecord& r) {
  rules::Rule x;
  x.id = r.id;
  x.name = r.name;
  x.scope = r.scope;
  x.accountId = r.accountId;
  auto m = rules::matchFromText(r.matchJson);
  if (m) {
    x.match = m.value();
  } else {
    // A rule whose stored match is unreadable must not match everything: disable it.
    common::logger("rules").error("rule " + std::to_string(r.id) + " has an unreadable match; disabled: " +
                                  m.errorMessage());
    x.enabled = false;
  }
  x.action = r.action;
  x.autoReleaseMinutes = r.autoReleaseMinutes;
  x.priority = r.priority;
  x.enabled = x.enabled && r.enabled;
  return x;
}

store::RuleRecord RuleBook::toRecord(const rules::Rule& r) {
  store::RuleRecord x;
  x.id = r.id;
  x.name = r.name;
  x.scope = r.scope;
  x.accountId = r.accountId;
  x.matchJson = rules::matchToText(r.match);
  x.action = r.action;
  x.autoReleaseMinutes = r.autoReleaseMinutes;
  x.priority = r.priority;
  x.enabled = r.enabled;
  return x;
}

std::vector<rules::Rule> RuleBook::rules() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!loaded_) {
    auto all = repo_->all();
    if (!all) {
      // The rules last read stay in force (none at first: every message is then held, the
      // safe default), and the next call tries again.
      common::logger("quarantine").error("rules: " + all.errorMessage());
      return cache_;
    }
    cache_.clear();
    for (const auto& r : all.value()) cache_.push_back(fromRecord(r));
    loaded_ = true;
  }
  return cache_;
}

void RuleBook::invalidate() {
  std::lock_guard<std::mutex> lock(mu_);
  loaded_ = false;
}

}  // namespace mg::quarantine
