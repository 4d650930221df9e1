#include "imap/detail/FrameParser.h"

#include <cctype>

#include "common/Text.h"

namespace mg::imap::detail {

namespace {

bool isAtomChar(char c, bool inCode) {
  const auto u = static_cast<unsigned char>(c);
  if (u <= 0x20 || u == 0x7f) return false;
  switch (c) {
    case '(': case ')': case '{': case '"': case '[': return false;
    case ']': return !inCode;
    default: return true;
  }
}

bool isStatusName(const std::string& n) { return n == "OK" || n == "NO" || n == "BAD" || n == "BYE" || n == "PREAUTH"; }

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

bool FrameParser::error(std::string message) {
  if (error_.empty()) error_ = std::move(message) + " at byte " + std::to_string(pos_);
  return false;
}

bool FrameParser::atLineEnd() const { return peek() == '\r' || peek() == '\n' || atEnd(); }

void FrameParser::skipSpaces() {
  while (peek() == ' ') ++pos_;
}

bool FrameParser::expectLineEnd() {
  if (peek() == '\r') ++pos_;
  if (peek() != '\n') return error("expected end of line");
  ++pos_;
  if (!atEnd()) return error("unexpected bytes after the end of the response");
  return true;
}

common::Result<Response> FrameParser::parse() {
  Response r;
  bool ok = false;
  if (peek() == '+') {
    r.kind = Response::Kind::Continuation;
    ++pos_;
    if (peek() == ' ') ++pos_;
    ok = parseText(r.text) && expectLineEnd();
  } else if (peek() == '*') {
    ++pos_;
    ok = (peek() == ' ' ? (++pos_, true) : error("expected a space after '*'")) && parseUntagged(r);
  } else {
    r.kind = Response::Kind::Tagged;
    ok = parseTag(r.tag);
    if (ok) {
      Value status;
      ok = parseAtom(status, true);
      r.name = upper(status.text);
      if (ok && r.name != "OK" && r.name != "NO" && r.name != "BAD") ok = error("tagged response is not OK/NO/BAD");
      ok = ok && parseRespText(r);
    }
  }
  if (!ok) return common::Result<Response>::error("malformed response: " + error_ + ": " + common::sanitize(in_.substr(0, 80)));
  return r;
}

bool FrameParser::parseTag(std::string& tag) {
  const std::size_t start = pos_;
  while (!atEnd() && isAtomChar(peek(), true) && peek() != '+') ++pos_;
  if (pos_ == start) return error("missing tag");
  tag = std::string(in_.substr(start, pos_ - start));
  if (peek() != ' ') return error("expected a space after the tag");
  ++pos_;
  return true;
}

bool FrameParser::parseUntagged(Response& r) {
  Value first;
  if (!parseAtom(first, true)) return false;
  if (first.isNumber()) {
    const auto n = first.asUint32();
    if (!n) return error("message number out of range");
    r.number = *n;
    if (peek() != ' ') return error("expected a name after the number");
    ++pos_;
    Value name;
    if (!parseAtom(name, true)) return false;
    first = name;
  }
  r.name = upper(first.text);
  if (r.name.empty()) return error("missing response name");
  if (!r.number && isStatusName(r.name)) return parseRespText(r);
  skipSpaces();
  return parseValues(r.data, '\0', 0, false) && expectLineEnd();
}

bool FrameParser::parseRespText(Response& r) {
  skipSpaces();
  if (peek() == '[') {
    ++pos_;
    ResponseCode code;
    if (!parseCode(code)) return false;
    r.code = std::move(code);
    skipSpaces();
  }
  return parseText(r.text) && expectLineEnd();
}

bool FrameParser::parseCode(ResponseCode& code) {
  const std::size_t rawStart = pos_;
  Value name;
  if (!parseAtom(name, true)) return false;
  code.name = upper(name.text);
  skipSpaces();
  const std::size_t argsStart = pos_;
  if (!parseValues(code.args, ']', 1, true)) {
    // Unknown codes may carry free text ("[REFERRAL …]", vendor codes): keep it raw, resync
    // on the bracket, and forget the parse error.
    error_.clear();
    code.args.clear();
    pos_ = argsStart;
    while (!atLineEnd() && peek() != ']') ++pos_;
    if (peek() != ']') return error("unterminated response code");
    code.args.push_back(Value::atom(std::string(in_.substr(argsStart, pos_ - argsStart))));
    ++pos_;  // ']'
  }
  code.raw = std::string(in_.substr(rawStart, pos_ - 1 - rawStart));
  return true;
}

bool FrameParser::parseText(std::string& text) {
  const std::size_t start = pos_;
  while (!atLineEnd()) {
    const auto u = static_cast<unsigned char>(peek());
    if (u == 0) return error("NUL in text");
    ++pos_;
  }
  text = std::string(in_.substr(start, pos_ - start));
  return true;
}

// Values separated by spaces up to `closer` (')' or ']', consumed) or the line end ('\0').
bool FrameParser::parseValues(std::vector<Value>& out, char closer, std::size_t depth, bool inCode) {
  for (;;) {
    skipSpaces();
    if (closer != '\0' && peek() == closer) {
      ++pos_;
      return true;
    }
    if (atLineEnd()) return closer == '\0' ? true : error(std::string("missing '") + closer + "'");
    Value v;
    if (!parseValue(v, depth, inCode)) return false;
    out.push_back(std::move(v));
    const char c = peek();
    if (c != ' ' && c != closer && !(closer == '\0' && atLineEnd()) && !(closer != '\0' && c == ')')) {
      // "(a b)(c d)" never happens in IMAP; values must be separated.
      if (!(out.back().isList() && c == '(')) return error("expected a space between values");
    }
  }
}

bool FrameParser::parseValue(Value& out, std::size_t depth, bool inCode) {
  const char c = peek();
  if (c == '(') {
    if (depth >= maxDepth_) return error("lists nested deeper than " + std::to_string(maxDepth_));
    ++pos_;
    out.kind = Value::Kind::List;
    return parseValues(out.items, ')', depth + 1, inCode);
  }
  if (c == '"') return parseQuoted(out);
  if (c == '{') return parseLiteral(out);
  if (c == ')') return error("unexpected ')'");
  return parseAtom(out, inCode);
}

bool FrameParser::parseQuoted(Value& out) {
  ++pos_;
  out.kind = Value::Kind::String;
  for (;;) {
    if (atEnd()) return error("unterminated quoted string");
    char c = in_[pos_++];
    if (c == '"') return true;
    if (c == '\r' || c == '\n') return error("line end in quoted string");
    if (c == '\\') {
      if (atEnd()) return error("unterminated quoted string");
      c = in_[pos_++];
      if (c == '\r' || c == '\n') return error("line end in quoted string");
    }
    out.text += c;
  }
}

bool FrameParser::parseLiteral(Value& out) {
  ++pos_;  // '{'
  std::size_t n = 0;
  std::size_t digits = 0;
  while (std::isdigit(static_cast<unsigned char>(peek()))) {
    if (++digits > 18) return error("literal length too long");
    n = n * 10 + static_cast<std::size_t>(peek() - '0');
    ++pos_;
  }
  if (digits == 0) return error("literal without a length");
  if (peek() == '+') ++pos_;
  if (peek() != '}') return error("expected '}'");
  ++pos_;
  if (peek() == '\r') ++pos_;
  if (peek() != '\n') return error("expected a line end after the literal length");
  ++pos_;
  if (in_.size() - pos_ < n) return error("literal shorter than its length");
  out.kind = Value::Kind::Literal;
  out.text = std::string(in_.substr(pos_, n));
  pos_ += n;
  return true;
}

bool FrameParser::parseAtom(Value& out, bool inCode) {
  const std::size_t start = pos_;
  if (peek() == '\\') ++pos_;  // flags: "\Seen", "\*"
  if (peek() == '*' && pos_ > start) ++pos_;
  while (!atEnd() && isAtomChar(peek(), inCode)) ++pos_;
  std::string text(in_.substr(start, pos_ - start));
  if (!inCode && peek() == '[') {
    // FETCH attribute names carry a section: BODY[HEADER.FIELDS (MESSAGE-ID)]<0>.
    if (!parseSection(text)) return false;
  }
  if (text.empty()) {
    const auto u = static_cast<unsigned char>(peek());
    return error(u < 0x20 || u == 0x7f ? "control byte in response" : std::string("unexpected '") + peek() + "'");
  }
  if (common::iequals(text, "NIL")) {
    out = Value::nil();
    return true;
  }
  bool digits = text.size() <= 19;
  for (char ch : text) digits = digits && std::isdigit(static_cast<unsigned char>(ch));
  out = digits ? Value::num(std::stoull(text)) : Value::atom(std::move(text));
  return true;
}

bool FrameParser::parseSection(std::string& out) {
  const std::size_t start = pos_;
  ++pos_;  // '['
  int parens = 0;
  for (;;) {
    if (atLineEnd()) return error("unterminated section");
    const char c = in_[pos_++];
    if (c == '"') {
      while (!atLineEnd() && peek() != '"') pos_ += (peek() == '\\' ? 2 : 1);
      if (peek() != '"') return error("unterminated quoted string in section");
      ++pos_;
    } else if (c == '(') {
      if (++parens > 8) return error("section nested too deep");
    } else if (c == ')') {
      --parens;
    } else if (c == ']' && parens <= 0) {
      break;
    }
  }
  if (peek() == '<') {
    while (!atLineEnd() && peek() != '>') ++pos_;
    if (peek() != '>') return error("unterminated partial");
    ++pos_;
  }
  out.append(in_.substr(start, pos_ - start));
  return true;
}

}  // namespace mg::imap::detail
