#include "ctl/JsonFields.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Stringifier.h>

#include <sstream>
#include <typeinfo>

#include "ctl/TerminalText.h"

namespace mg::ctl::json {

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;

std::string text(const Object::Ptr& o, const std::string& key) {
  if (!o || !o->has(key)) return "";
  const Var v = o->get(key);
  if (v.isEmpty()) return "";
  if (v.isString()) return v.extract<std::string>();
  if (v.type() == typeid(Object::Ptr) || v.type() == typeid(Array::Ptr)) {
    std::ostringstream out;
    Poco::JSON::Stringifier::condense(v, out);
    return out.str();
  }
  return v.toString();
}

int64_t number(const Object::Ptr& o, const std::string& key, int64_t fallback) {
  if (!o || !o->has(key)) return fallback;
  const Var v = o->get(key);
  if (v.isEmpty()) return fallback;
  try {
    return v.convert<Poco::Int64>();
  } catch (const Poco::Exception&) {
    return fallback;
  }
}

bool flag(const Object::Ptr& o, const std::string& key) {
  if (!o || !o->has(key)) return false;
  const Var v = o->get(key);
  try {
    return !v.isEmpty() && v.convert<bool>();
  } catch (const Poco::Exception&) {
    return false;
  }
}

std::string unexpectedAnswer(const std::string& what) {
  return "mailgated sent an unexpected answer (" + TerminalText::oneLine(what, 200) +
         ") — is --url a mailgated of the same version?";
}

}  // namespace mg::ctl::json
