#pragma once
// One API request as the handlers see it: parsed path parameters and query, the caller's
// identity, JSON in and out, and RFC 9457 problem responses. Handlers never touch sockets.
#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <map>
#include <optional>
#include <string>

#include "common/Status.h"

namespace mg::web {

struct Principal {
  std::string name;  // user name or "token:<name>"
  std::string role;  // admin | reviewer
  // Set when the caller came with the session cookie rather than a bearer token: its value
  // (for logout) and the CSRF token its state-changing calls must repeat.
  std::string sessionCookie;
  std::string csrfToken;
};

class RequestContext {
 public:
  RequestContext(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);

  Poco::Net::HTTPServerRequest& request() { return request_; }
  Poco::Net::HTTPServerResponse& response() { return response_; }
  const std::string& method() const { return method_; }
  const std::string& path() const { return path_; }
  // Why the request target could not be decoded ("" when it could): the server answers 400.
  const std::string& uriError() const { return uriError_; }

  std::map<std::string, std::string> params;  // from the route pattern, e.g. {id}
  std::optional<Principal> principal;

  std::string query(const std::string& name, const std::string& fallback = "") const;
  // A path or query number; a problem response has been sent when it returns nullopt.
  std::optional<int64_t> intParam(const std::string& name);
  std::optional<int64_t> intQuery(const std::string& name, int64_t fallback, int64_t min, int64_t max);

  // Reads the body as a JSON object (at most 1 MiB); sends 400/413/415 and returns null on error.
  Poco::JSON::Object::Ptr readJsonObject(bool allowEmpty = false);

  void sendJson(int status, const Poco::Dynamic::Var& body);
  void sendText(int status, const std::string& contentType, const std::string& body);
  void sendProblem(int status, const std::string& title, const std::string& detail,
                   Poco::JSON::Object::Ptr extra = nullptr);
  // 503 with Retry-After: the store could not answer (disk full, I/O error), nothing changed.
  void sendStoreUnavailable(const std::string& detail);
  // True with a value; otherwise sends the 503 and answers false.
  template <typename T>
  bool storeAnswered(const common::Result<T>& r) {
    if (r) return true;
    sendStoreUnavailable(r.errorMessage());
    return false;
  }
  bool sent() const { return response_.sent(); }

 private:
  Poco::Net::HTTPServerRequest& request_;
  Poco::Net::HTTPServerResponse& response_;
  std::string method_;
  std::string path_;
  std::map<std::string, std::string> query_;
  std::string uriError_;
};

// ISO 8601 UTC for epoch milliseconds ("2026-11-23T14:58:24Z"); "" for 0.
std::string isoTime(int64_t millis);

// A string member of a JSON body, or "" (absent, or not a string).
std::string textField(const Poco::JSON::Object::Ptr& o, const std::string& key);

}  // namespace mg::web
