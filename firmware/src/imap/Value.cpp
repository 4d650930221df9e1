#include "imap/Value.h"

#include <limits>
#include <utility>

#include "common/Text.h"

namespace mg::imap {

Value Value::atom(std::string s) {
  Value v;
  v.kind = Kind::Atom;
  v.text = std::move(s);
  return v;
}

Value Value::num(uint64_t n) {
  Value v;
  v.kind = Kind::Number;
  v.number = n;
  v.text = std::to_string(n);
  return v;
}

Value Value::string(std::string s) {
  Value v;
  v.kind = Kind::String;
  v.text = std::move(s);
  return v;
}

Value Value::literal(std::string s) {
  Value v;
  v.kind = Kind::Literal;
  v.text = std::move(s);
  return v;
}

Value Value::nil() { return Value(); }

Value Value::list(std::vector<Value> children) {
  Value v;
  v.kind = Kind::List;
  v.items = std::move(children);
  return v;
}

bool Value::isAtom(std::string_view name) const { return kind == Kind::Atom && common::iequals(text, name); }

std::optional<std::string> Value::asString() const {
  if (kind == Kind::Nil || kind == Kind::List) return std::nullopt;
  return text;
}

std::optional<uint32_t> Value::asUint32() const {
  if (kind != Kind::Number || number > std::numeric_limits<uint32_t>::max()) return std::nullopt;
  return static_cast<uint32_t>(number);
}

std::string Value::debugString() const {
  switch (kind) {
    case Kind::Atom:
    case Kind::Number: return text;
    case Kind::String: {
      std::string out = "\"";
      for (char c : text) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
      }
      return out + "\"";
    }
    case Kind::Literal: return "{" + std::to_string(text.size()) + "}";
    case Kind::Nil: return "NIL";
    case Kind::List: {
      std::string out = "(";
      for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out += ' ';
        out += items[i].debugString();
      }
      return out + ")";
    }
  }
  return "";
}

}  // namespace mg::imap
