#pragma once
// Parses one complete, framed response (all its lines and literals) into a Response.
// ResponseParser has framed it already, but nothing here trusts that: every read is
// bounds-checked, and the literal lengths are checked against the bytes actually present.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/Status.h"
#include "imap/Response.h"

namespace mg::imap::detail {

class FrameParser {
 public:
  FrameParser(std::string_view frame, std::size_t maxDepth) : in_(frame), maxDepth_(maxDepth) {}
  common::Result<Response> parse();

 private:
  bool atEnd() const { return pos_ >= in_.size(); }
  char peek() const { return atEnd() ? '\0' : in_[pos_]; }
  bool atLineEnd() const;
  void skipSpaces();
  bool expectLineEnd();

  bool parseTag(std::string& tag);
  bool parseUntagged(Response& r);
  bool parseRespText(Response& r);
  bool parseCode(ResponseCode& code);
  bool parseText(std::string& text);
  bool parseValues(std::vector<Value>& out, char closer, std::size_t depth, bool inCode);
  bool parseValue(Value& out, std::size_t depth, bool inCode);
  bool parseQuoted(Value& out);
  bool parseLiteral(Value& out);
  bool parseAtom(Value& out, bool inCode);
  bool parseSection(std::string& out);
  bool error(std::string message);

  std::string_view in_;
  std::size_t pos_ = 0;
  std::size_t maxDepth_;
  std::string error_;
};

}  // namespace mg::imap::detail
