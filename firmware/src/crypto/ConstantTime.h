#pragma once
// Comparing a secret the client sent with the one we hold: the time taken must not tell how
// many leading bytes matched. The lengths are not secret (tokens and codes have fixed shapes).
#include <string_view>

namespace mg::crypto {

// True when both are equal; an empty `expected` never matches (no secret set is no access).
bool sameSecret(std::string_view given, std::string_view expected);

}  // namespace mg::crypto
