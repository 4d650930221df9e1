#pragma once
// Turns a non-2xx API answer into the one line an operator reads after "mailgatectl: ".
// The daemon answers application/problem+json (RFC 9457); its `detail` is the message. Some
// statuses get a hint about what to do, because the detail is written for any API client.
#include <string>

#include "ctl/ApiClient.h"

namespace mg::ctl {

class ApiError {
 public:
  // `tokenFile` names the token used, for the 401 hint ("" when none was sent).
  static std::string describe(const ApiResponse& response, const std::string& tokenFile = "");
  // The problem's `detail` (else its `title`), or "" when the body is not a problem object.
  static std::string problemDetail(const std::string& body);
};

}  // namespace mg::ctl
