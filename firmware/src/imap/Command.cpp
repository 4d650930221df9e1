#include "imap/Command.h"

namespace mg::imap {

namespace {

bool atomChar(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u <= 0x20 || u >= 0x7f) return false;
  switch (c) {
    case '(': case ')': case '{': case '"': case '\\': case '%': case '*': case ']': case '[': return false;
    default: return true;
  }
}

}  // namespace

bool Command::isAtom(std::string_view s) {
  if (s.empty() || s.size() > 1024) return false;
  for (char c : s) {
    if (!atomChar(c)) return false;
  }
  return true;  // "NIL" is excluded by callers that care (astring handles it)
}

bool Command::quotable(std::string_view s) {
  if (s.size() > 1024) return false;  // long values go as literals: servers cap line lengths
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u == 0 || u == '\r' || u == '\n' || u >= 0x80) return false;
  }
  return true;
}

bool Command::isFlag(std::string_view s) {
  if (!s.empty() && s.front() == '\\') s.remove_prefix(1);
  return isAtom(s);
}

void Command::space() {
  if (segments_.empty()) return;
  if (segments_.back().literal || segments_.back().secret) {
    segments_.push_back({" ", false, false});
  } else {
    segments_.back().text += ' ';
  }
}

Command& Command::raw(std::string_view text, bool secret) {
  space();
  if (secret) {
    segments_.push_back({std::string(text), false, true});
    return *this;
  }
  if (segments_.empty() || segments_.back().literal || segments_.back().secret) {
    segments_.push_back({std::string(text), false, false});
  } else {
    segments_.back().text.append(text);
  }
  return *this;
}

Command& Command::astring(std::string_view s, bool secret) {
  if (isAtom(s) && s != "NIL" && s != "nil" && !secret) return raw(s);
  return string(s, secret);
}

Command& Command::string(std::string_view s, bool secret) {
  if (!quotable(s)) {
    literal(s);
    segments_.back().secret = secret;
    return *this;
  }
  std::string q = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') q += '\\';
    q += c;
  }
  q += '"';
  space();
  segments_.push_back({std::move(q), false, secret});
  return *this;
}

Command& Command::literal(std::string_view bytes) {
  space();
  segments_.push_back({std::string(bytes), true, false});
  return *this;
}

Command& Command::flagList(const std::vector<std::string>& flags) {
  std::string list = "(";
  for (const auto& f : flags) {
    if (!isFlag(f)) continue;  // a flag is an atom; anything else would break the command
    if (list.size() > 1) list += ' ';
    list += f;
  }
  list += ')';
  return raw(list);
}

Command& Command::append(const Command& other) {
  bool first = true;
  for (const auto& seg : other.segments_) {
    if (first) space();
    first = false;
    // Plain text merges into the previous plain segment; literals and secrets stay apart.
    if (!seg.literal && !seg.secret && !segments_.empty() && !segments_.back().literal && !segments_.back().secret) {
      segments_.back().text += seg.text;
    } else {
      segments_.push_back(seg);
    }
  }
  return *this;
}

bool Command::hasLiteral() const {
  for (const auto& s : segments_) {
    if (s.literal) return true;
  }
  return false;
}

std::string Command::logForm() const {
  std::string out;
  for (const auto& s : segments_) {
    if (s.secret) {
      out += "********";
    } else if (s.literal) {
      out += "{" + std::to_string(s.text.size()) + "}";
    } else {
      out += s.text;
    }
  }
  return out;
}

}  // namespace mg::imap
