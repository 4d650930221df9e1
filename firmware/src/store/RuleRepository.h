#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/Database.h"

namespace mg::store {

// A rule as stored; the match conditions stay JSON text here (the rules module owns their meaning).
struct RuleRecord {
  int64_t id = 0;
  std::string name;
  std::string scope = "smtp";  // smtp | imap | all
  int64_t accountId = 0;       // 0 = every account
  std::string matchJson = "{}";
  std::string action = "hold";  // hold | pass
  int autoReleaseMinutes = 0;   // 0 = off
  int priority = 100;           // lower first
  bool enabled = true;
  int64_t createdAt = 0;
};

class RuleRepository {
 public:
  explicit RuleRepository(std::shared_ptr<Database> db) : db_(std::move(db)) {}
  common::Result<int64_t> insert(const RuleRecord& r);
  common::Result<bool> update(const RuleRecord& r);
  common::Result<bool> remove(int64_t id);
  common::Result<std::optional<RuleRecord>> get(int64_t id);
  common::Result<std::vector<RuleRecord>> all();  // by priority, then id

 private:
  std::shared_ptr<Database> db_;
};

}  // namespace mg::store
