#pragma once
#include <string>
#include <vector>

namespace mg::store {

// Schema versions in order; version N is migrations()[N-1]. Never edit a released one:
// add a new version that alters what came before.
const std::vector<std::vector<std::string>>& migrations();

}  // namespace mg::store
