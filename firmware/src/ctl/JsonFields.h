#pragma once
// Reading fields out of mailgated's JSON answers, forgiving of absent or null values:
// shared by the message and account parsers of mailgatectl.
#include <Poco/JSON/Object.h>

#include <cstdint>
#include <string>

#include "common/Status.h"

namespace mg::ctl::json {

std::string text(const Poco::JSON::Object::Ptr& o, const std::string& key);  // objects/arrays compacted
int64_t number(const Poco::JSON::Object::Ptr& o, const std::string& key, int64_t fallback = 0);
bool flag(const Poco::JSON::Object::Ptr& o, const std::string& key);
// The one-line error for an answer that is not what this mailgatectl expects.
std::string unexpectedAnswer(const std::string& what);

template <typename T>
common::Result<T> malformed(const std::string& what) {
  return common::Result<T>::error(unexpectedAnswer(what));
}

}  // namespace mg::ctl::json
