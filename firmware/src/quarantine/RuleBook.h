#pragma once
// The rules the gate decides with, read from the store once and again after each change
// (not per message: intake must not parse JSON for every mail).
#include <memory>
#include <mutex>
#include <vector>

#include "rules/Rule.h"
#include "store/RuleRepository.h"

namespace mg::quarantine {

class RuleBook {
 public:
  explicit RuleBook(std::shared_ptr<store::RuleRepository> repo) : repo_(std::move(repo)) {}
  std::vector<rules::Rule> rules();
  void invalidate();
  static rules::Rule fromRecord(const store::RuleRecord& r);
  static store::RuleRecord toRecord(const rules::Rule& r);
  store::RuleRepository& repository() { return *repo_; }

 private:
  std::shared_ptr<store::RuleRepository> repo_;
  std::mutex mu_;
  bool loaded_ = false;
  std::vector<rules::Rule> cache_;
};

}  // namespace mg::quarantine
