#include "ctl/ApiError.h"

#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPResponse.h>

#include "ctl/TerminalText.h"

namespace mg::ctl {

std::string ApiError::problemDetail(const std::string& body) {
  try {
    Poco::JSON::Parser parser;
    const auto parsed = parser.parse(body);
    const auto obj = parsed.extract<Poco::JSON::Object::Ptr>();
    if (!obj) return "";
    for (const char* field : {"detail", "title"}) {
      if (obj->has(field) && obj->get(field).isString()) {
        const std::string text = obj->getValue<std::string>(field);
        if (!text.empty()) return text;
      }
    }
  } catch (const std::exception&) {
    // Not JSON: a proxy's HTML page or a truncated answer; the caller falls back to the status.
  }
  return "";
}

std::string ApiError::describe(const ApiResponse& response, const std::string& tokenFile) {
  std::string text = problemDetail(response.body);
  if (text.empty()) {
    const auto reason =
        Poco::Net::HTTPResponse::getReasonForStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(response.status));
    text = "mailgated answered HTTP " + std::to_string(response.status) + " " + reason;
  }
  // The detail is remote text: one line, no terminal control sequences.
  text = TerminalText::oneLine(text, 300);
  switch (response.status) {
    case 401:
      // The daemon's detail is written for browsers ("log in or send …"); the CLI's cause is
      // always the token it sent.
      return tokenFile.empty() ? "mailgated wants a token — pass --token-file with an admin token"
                               : "mailgated refused the token in " + tokenFile +
                                     " — it rewrites cli.token at each start; pass --token-file with a current token";
    case 403:
      if (problemDetail(response.body).empty()) text += " — this needs an admin token";
      break;
    case 429:
      text += response.retryAfter.empty() ? " — try again later"
                                          : " — try again in " + response.retryAfter + " s";
      break;
    default:
      break;
  }
  return text;
}

}  // namespace mg::ctl
