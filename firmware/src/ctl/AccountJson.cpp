#include "ctl/AccountJson.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <sstream>
#include <typeinfo>

#include "ctl/JsonFields.h"
#include "ctl/TerminalText.h"

namespace mg::ctl {
namespace {

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;
using json::flag;
using json::malformed;
using json::number;
using json::text;

AccountItem itemOf(const Object::Ptr& o) {
  AccountItem a;
  a.id = number(o, "id");
  a.name = text(o, "name");
  a.host = text(o, "host");
  a.port = number(o, "port");
  a.tls = text(o, "tls");
  a.username = text(o, "username");
  a.quarantineFolder = text(o, "quarantine_folder");
  a.intercept = text(o, "intercept");
  a.enabled = flag(o, "enabled");
  a.lastTestOkAt = text(o, "last_test_ok_at");
  a.lastTestAt = text(o, "last_test_at");
  std::ostringstream out;
  Poco::JSON::Stringifier::condense(o, out);
  a.json = out.str();
  return a;
}

Object::Ptr parseObject(const std::string& body) {
  Poco::JSON::Parser parser;
  return parser.parse(body).extract<Object::Ptr>();
}

}  // namespace

common::Result<std::vector<AccountItem>> AccountJson::parseList(const std::string& body) {
  try {
    const auto root = parseObject(body);
    const auto items = root ? root->getArray("items") : nullptr;
    if (!items) return malformed<std::vector<AccountItem>>(body);
    std::vector<AccountItem> out;
    for (size_t i = 0; i < items->size(); ++i) out.push_back(itemOf(items->getObject(static_cast<unsigned>(i))));
    return out;
  } catch (const Poco::Exception&) {
    return malformed<std::vector<AccountItem>>(body);
  } catch (const std::bad_cast&) {
    return malformed<std::vector<AccountItem>>(body);
  }
}

common::Result<AccountItem> AccountJson::parseAccount(const std::string& body) {
  try {
    const auto root = parseObject(body);
    if (!root || !root->has("id")) return malformed<AccountItem>(body);
    return itemOf(root);
  } catch (const Poco::Exception&) {
    return malformed<AccountItem>(body);
  } catch (const std::bad_cast&) {
    return malformed<AccountItem>(body);
  }
}

common::Result<AccountTestResult> AccountJson::parseTest(const std::string& body) {
  try {
    const auto root = parseObject(body);
    const auto stages = root ? root->getArray("stages") : nullptr;
    if (!stages || !root->has("ok")) return malformed<AccountTestResult>(body);
    AccountTestResult r;
    r.ok = flag(root, "ok");
    for (size_t i = 0; i < stages->size(); ++i) {
      const auto s = stages->getObject(static_cast<unsigned>(i));
      r.stages.push_back({text(s, "name"), flag(s, "ok"), number(s, "ms"), text(s, "error")});
    }
    return r;
  } catch (const Poco::Exception&) {
    return malformed<AccountTestResult>(body);
  } catch (const std::bad_cast&) {
    return malformed<AccountTestResult>(body);
  }
}

std::string AccountJson::addBody(const Invocation& inv, const std::string& password) {
  Object o;
  o.set("name", inv.name);
  o.set("host", inv.host);
  if (inv.port) o.set("port", *inv.port);
  if (!inv.tls.empty()) o.set("tls", inv.tls);
  o.set("username", inv.user);
  o.set("password", password);
  if (!inv.folder.empty()) o.set("quarantine_folder", inv.folder);
  if (!inv.intercept.empty()) o.set("intercept", inv.intercept);
  std::ostringstream out;
  o.stringify(out);
  return out.str();
}

}  // namespace mg::ctl
