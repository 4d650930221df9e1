#pragma once
// Turns the exception being handled into an operator-readable, sanitised reason.
#include <chrono>
#include <string>

namespace mg::imap::detail {

// Call only inside a catch block.
std::string currentError(std::chrono::milliseconds timeout);

}  // namespace mg::imap::detail
