#include "common/IniFile.h"

#include <algorithm>

namespace mg::common {
namespace {

std::string_view trim(std::string_view s) {
  const auto notSpace = [](char c) { return c != ' ' && c != '\t' && c != '\r' && c != '\n'; };
  while (!s.empty() && !notSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && !notSpace(s.back())) s.remove_suffix(1);
  return s;
}

// "value ; comment" → "value". A ';' or '#' starts a comment only after white space, so that
// values such as passwords may contain them when they are quoted or not preceded by a blank.
std::string_view stripInlineComment(std::string_view s) {
  for (size_t i = 1; i < s.size(); ++i) {
    if ((s[i] == ';' || s[i] == '#') && (s[i - 1] == ' ' || s[i - 1] == '\t')) return s.substr(0, i);
  }
  return s;
}

std::string unquote(std::string_view v) {
  if (v.size() >= 2 && ((v.front() == '"' && v.back() == '"') || (v.front() == '\'' && v.back() == '\''))) {
    return std::string(v.substr(1, v.size() - 2));
  }
  return std::string(v);
}

}  // namespace

IniDocument parseIni(std::string_view text) {
  IniDocument doc;
  std::string section;
  int lineNo = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view raw = text.substr(pos, end - pos);
    pos = end + 1;
    ++lineNo;
    std::string_view line = trim(raw);
    if (line.empty() || line.front() == ';' || line.front() == '#') {
      if (end == text.size()) break;
      continue;
    }
    if (line.front() == '[') {
      std::string_view body = trim(stripInlineComment(line));
      if (body.back() != ']' || body.size() < 3) {
        doc.problems.push_back({lineNo, "malformed section header (expected [name])"});
      } else {
        section = std::string(trim(body.substr(1, body.size() - 2)));
        if (std::find(doc.sections.begin(), doc.sections.end(), section) == doc.sections.end()) {
          doc.sections.push_back(section);
        }
      }
    } else {
      const size_t eq = line.find('=');
      if (eq == std::string_view::npos) {
        doc.problems.push_back({lineNo, "expected 'key = value'"});
      } else {
        std::string key(trim(line.substr(0, eq)));
        std::string value = unquote(trim(stripInlineComment(line.substr(eq + 1))));
        if (key.empty()) {
          doc.problems.push_back({lineNo, "empty key before '='"});
        } else if (section.empty()) {
          doc.problems.push_back({lineNo, "key '" + key + "' is outside any [section]"});
        } else {
          doc.entries.push_back({section, key, value, lineNo});
        }
      }
    }
    if (end == text.size()) break;
  }
  return doc;
}

}  // namespace mg::common
