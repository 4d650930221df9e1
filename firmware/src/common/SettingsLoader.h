#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "common/Settings.h"

namespace mg::common {

struct LoadedSettings {
  Settings settings;
  std::vector<ConfigProblem> problems;  // empty when the file is fine
  bool ok() const { return problems.empty(); }
};

// Parses INI text into Settings. Unknown sections and keys, bad values, unreadable *_file
// secrets: each becomes one ConfigProblem naming the key. Never throws.
LoadedSettings loadSettingsFromText(std::string_view text);
LoadedSettings loadSettingsFromFile(const std::string& path);

HostPort parseHostPort(std::string_view text, bool& ok);

}  // namespace mg::common
