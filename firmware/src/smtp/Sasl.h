#pragma once
// The bits of SASL (RFC 4954) the session needs: base64 both ways and the PLAIN message
// (RFC 4616). Strict: a response that does not decode cleanly is refused, never guessed at.
#include <optional>
#include <string>
#include <string_view>

namespace mg::smtp::detail {

std::string encodeBase64(std::string_view data);
std::optional<std::string> decodeBase64(std::string_view text);

struct PlainCredentials {
  std::string user;
  std::string password;
};
// "authzid NUL authcid NUL passwd"; an authzid other than empty or the authcid is refused
// because the gate has no notion of acting for another user.
std::optional<PlainCredentials> parsePlain(std::string_view decoded);

}  // namespace mg::smtp::detail
