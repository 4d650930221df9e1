#pragma once
// `mailgated --check-config`: the loader's problems plus what can only be checked on this
// machine (ports already taken, files that cannot be read, a data dir that cannot be made).
#include <string>
#include <vector>

#include "common/Settings.h"

namespace mg::app {

std::vector<common::ConfigProblem> checkEnvironment(const common::Settings& settings);

}  // namespace mg::app
