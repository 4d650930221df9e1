#pragma once
// One IMAP data value as the server sent it (RFC 3501 §4): atom, number, quoted string,
// literal, NIL or a parenthesised list. Strings keep their raw bytes (no charset decoding).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mg::imap {

struct Value {
  enum class Kind { Atom, Number, String, Literal, Nil, List };

  Kind kind = Kind::Nil;
  std::string text;          // atom, string and literal bytes; a number's digits
  uint64_t number = 0;       // Kind::Number only
  std::vector<Value> items;  // Kind::List only

  static Value atom(std::string s);
  static Value num(uint64_t n);
  static Value string(std::string s);
  static Value literal(std::string s);
  static Value nil();
  static Value list(std::vector<Value> items);

  bool isNil() const { return kind == Kind::Nil; }
  bool isList() const { return kind == Kind::List; }
  bool isNumber() const { return kind == Kind::Number; }
  // Case-insensitive atom comparison ("OK", "\Noselect", "UID").
  bool isAtom(std::string_view name) const;
  // astring/nstring: atoms, numbers, quoted strings and literals all carry text; NIL has none.
  std::optional<std::string> asString() const;
  // A number that fits 32 bits (UIDs, sequence numbers, UIDVALIDITY).
  std::optional<uint32_t> asUint32() const;
  // Compact IMAP-like rendering for logs and tests; literals show as {n}.
  std::string debugString() const;
};

}  // namespace mg::imap
