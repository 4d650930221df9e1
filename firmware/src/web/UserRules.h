#pragma once
// What makes an operator account acceptable, one definition for the users API and the setup
// page (mailgatectl's offline path keeps the same rules in ctl/).
#include <string>

namespace mg::web {

bool validRole(const std::string& role);  // admin | reviewer
bool validUsername(const std::string& name);  // 1-64 of letters, digits, . _ - @
// Characters, not bytes: "at least 10 characters" must mean the same to the CLI and the API.
size_t utf8Length(const std::string& s);
inline constexpr size_t kMinPasswordChars = 10;
// "" when the three are acceptable for a new user, else what is wrong.
std::string userProblem(const std::string& name, const std::string& role, const std::string& password);

}  // namespace mg::web
