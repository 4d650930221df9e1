#pragma once
// A small INI reader that remembers where every key came from, so that each problem can be
// reported with its section, key and line. Why not Poco::Util::IniFileConfiguration: it keeps
// no line numbers, folds case and does not strip the inline "; comment" our files use.
#include <string>
#include <string_view>
#include <vector>

namespace mg::common {

struct IniEntry {
  std::string section;  // "smtp", "upstream.primary"
  std::string key;
  std::string value;
  int line = 0;
};

struct IniProblem {
  int line = 0;
  std::string problem;
};

struct IniDocument {
  std::vector<IniEntry> entries;
  std::vector<std::string> sections;  // in order of appearance, each once
  std::vector<IniProblem> problems;   // syntax problems; parsing goes on past them
};

// Never throws: malformed lines become problems.
IniDocument parseIni(std::string_view text);

}  // namespace mg::common
