#pragma once
// The daemon's REST API over HTTP(S), as the CLI needs it: one request at a time, JSON in,
// status + body out. Transport failures come back as one operator-readable line naming the
// address and what to check; HTTP errors are returned as responses (ApiError renders them).
#include <memory>
#include <string>

#include "common/Status.h"
#include "ctl/ApiEndpoint.h"

namespace mg::ctl {

struct ApiResponse {
  int status = 0;
  std::string contentType;
  std::string body;
  std::string retryAfter;  // the Retry-After header of a 429, else empty
  bool ok() const { return status >= 200 && status < 300; }
};

class ApiClient {
 public:
  // `token` is sent as "Authorization: Bearer"; empty sends no Authorization header.
  ApiClient(ApiEndpoint endpoint, std::string token);
  ~ApiClient();
  ApiClient(const ApiClient&) = delete;
  ApiClient& operator=(const ApiClient&) = delete;

  common::Result<ApiResponse> get(const std::string& target);
  common::Result<ApiResponse> post(const std::string& target, const std::string& jsonBody);
  common::Result<ApiResponse> patch(const std::string& target, const std::string& jsonBody);
  common::Result<ApiResponse> del(const std::string& target);

  const ApiEndpoint& endpoint() const { return endpoint_; }

 private:
  struct Impl;
  common::Result<ApiResponse> send(const std::string& method, const std::string& target, const std::string* body);

  ApiEndpoint endpoint_;
  std::string token_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mg::ctl
