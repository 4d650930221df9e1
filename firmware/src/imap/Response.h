#pragma once
// One complete server response (RFC 3501 §7): untagged data or status, a tagged completion,
// or a command continuation request.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "imap/Value.h"

namespace mg::imap {

// "[UIDVALIDITY 3857529045]", "[COPYUID 38505 304,319:320 3956:3958]", "[TRYCREATE]".
struct ResponseCode {
  std::string name;          // upper-cased
  std::vector<Value> args;   // parsed arguments; unparseable ones kept as one atom
  std::string raw;           // everything between the brackets, for messages
};

struct Response {
  enum class Kind { Untagged, Tagged, Continuation };

  Kind kind = Kind::Untagged;
  std::string tag;                  // Tagged only
  std::optional<uint32_t> number;   // "* 23 EXISTS" → 23
  std::string name;                 // upper-cased: "OK", "NO", "BYE", "EXISTS", "FETCH", "LIST" …
  std::optional<ResponseCode> code; // status responses only
  std::vector<Value> data;          // values after the name (data responses)
  std::string text;                 // resp-text of a status response; a continuation's text

  bool isStatus() const;            // OK / NO / BAD / BYE / PREAUTH
  bool is(std::string_view upperName) const { return name == upperName; }
  bool hasCode(std::string_view upperName) const { return code && code->name == upperName; }
  // "NO [NONEXISTENT] Mailbox doesn't exist: X", sanitised and cut for logs and errors.
  std::string describe() const;
  std::string debugString() const;
};

}  // namespace mg::imap
