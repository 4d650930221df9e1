#include "rules/Rule.h"


#include <gtest/gtest.h>

#include "rules/RuleJson.h"

using namespace mg::rules;

namespace {
MessageFacts facts() {
  MessageFacts f;
  f.mailFrom = "billing@vendor.example";
  f.rcptTo = {"alice@office.example"};
  f.fromHeader = "Vendor Billing <billing@vendor.example>";
  f.toHeader = "Alice <alice@office.example>";
  f.subject = "Invoice 42 attached";
  f.headers = {{"X-Priority", "1"}, {"Subject", "Invoice 42 attached"}};
  f.size = 5000;
  f.hasAttachment = true;
  return f;
}
Rule rule(const std::string& name, RuleMatch m, const std::string& action = "hold", int priority = 100) {
  Rule r;
  r.name = name;
  r.match = std::move(m);
  r.action = action;
  r.priority = priority;
  return r;
}
}  // namespace

TEST(RuleTest, PatternKinds) {
  EXPECT_TRUE(patternMatches("invoice", "Your INVOICE is here"));
  EXPECT_FALSE(patternMatches("invoice", "receipt"));
  EXPECT_TRUE(patternMatches("*@vendor.example", "billing@VENDOR.example"));
  EXPECT_FALSE(patternMatches("*@vendor.example", "billing@vendor.example.evil"));
  EXPECT_TRUE(patternMatches("/^invoice [0-9]+/", "Invoice 42 attached"));
  EXPECT_FALSE(patternMatches("/^[0-9]+$/", "Invoice 42"));
  EXPECT_FALSE(patternMatches("/(/", "anything"));  // a bad regex matches nothing
}

TEST(RuleTest, AllNamedConditionsMustMatch) {
  RuleMatch m;
  m.from = "*@vendor.example";
  m.subject = "invoice";
  m.hasAttachment = true;
  m.sizeOver = 4000;
  m.header = "X-Priority: 1";
  EXPECT_TRUE(ruleApplies(rule("r", m), facts()));
  m.sizeOver = 6000;
  EXPECT_FALSE(ruleApplies(rule("r", m), facts()));
}

TEST(RuleTest, ScopeAccountAndEnabledAreRespected) {
  Rule r = rule("r", {});
  r.scope = "imap";
  EXPECT_FALSE(ruleApplies(r, facts()));
  r.scope = "all";
  EXPECT_TRUE(ruleApplies(r, facts()));
  r.accountId = 7;
  EXPECT_FALSE(ruleApplies(r, facts()));
  r.accountId = 0;
  r.enabled = false;
  EXPECT_FALSE(ruleApplies(r, facts()));
}

TEST(RuleTest, FlaggedMailIsOnlyTakenByAnExplicitRule) {
  auto f = facts();
  f.flagged = true;
  EXPECT_FALSE(ruleApplies(rule("any", {}), f));
  RuleMatch m;
  m.flagged = true;
  EXPECT_TRUE(ruleApplies(rule("flagged", m), f));
}

TEST(RuleTest, FirstMatchByPriorityDecidesElseDefault) {
  RuleMatch vendor;
  vendor.from = "vendor.example";
  RuleMatch nothing;
  nothing.subject = "no such words";
  std::vector<Rule> rules = {rule("late-hold", vendor, "hold", 50), rule("early-pass", vendor, "pass", 10),
                             rule("miss", nothing, "hold", 1)};
  auto d = decide(rules, facts(), "hold");
  EXPECT_EQ(d.action, "pass");
  ASSERT_TRUE(d.rule);
  EXPECT_EQ(d.rule->name, "early-pass");
  auto none = decide({rule("miss", nothing)}, facts(), "pass");
  EXPECT_EQ(none.action, "pass");
  EXPECT_FALSE(none.rule);
}

TEST(RuleTest, JsonRoundTripAndValidation) {
  auto r = ruleFromText(R"({"name":"vendors","scope":"smtp","match":{"from":"*@vendor.example","size_over":100},
                       "action":"hold","auto_release_minutes":30,"priority":5,"enabled":true})");
  ASSERT_TRUE(r.ok()) << r.errorMessage();
  EXPECT_EQ(r->autoReleaseMinutes, 30);
  EXPECT_EQ(*r->match.sizeOver, 100);
  auto text = matchToText(r->match);
  auto back = matchFromText(text);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back->from, "*@vendor.example");
  auto again = ruleFromText(ruleToText(r.value()));  // what the API shows reads back the same
  ASSERT_TRUE(again.ok()) << again.errorMessage();
  EXPECT_EQ(ruleToText(again.value()), ruleToText(r.value()));

  EXPECT_FALSE(ruleFromText(R"({"name":"x","match":{"subject":"/(/"}})").ok());
  EXPECT_FALSE(ruleFromText(R"({"name":"x","match":{"colour":"red"}})").ok());
  EXPECT_FALSE(ruleFromText(R"({"name":"x","action":"pass","auto_release_minutes":5})").ok());
  EXPECT_FALSE(ruleFromText(R"(["not", "an object"])").ok());
  EXPECT_FALSE(ruleFromText("{broken").ok());
}
