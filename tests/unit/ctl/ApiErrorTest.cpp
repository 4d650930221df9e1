#include "ctl/ApiError.h"

#include <gtest/gtest.h>

namespace mg::ctl {
namespace {

ApiResponse problem(int status, const std::string& body) {
  ApiResponse r;
  r.status = status;
  r.contentType = "application/problem+json";
  r.body = body;
  return r;
}

TEST(ApiErrorTest, ProblemDetailIsTheMessage) {
  auto r = problem(409, R"({"type":"about:blank","title":"Conflict","status":409,"detail":"message 42 is being released"})");
  EXPECT_EQ(ApiError::describe(r), "message 42 is being released");
}

TEST(ApiErrorTest, TitleWhenThereIsNoDetail) {
  EXPECT_EQ(ApiError::describe(problem(404, R"({"title":"Not Found","status":404})")), "Not Found");
}

TEST(ApiErrorTest, StatusLineWhenTheBodyIsNotAProblem) {
  EXPECT_EQ(ApiError::describe(problem(500, "<html>oops</html>")), "mailgated answered HTTP 500 Internal Server Error");
  EXPECT_EQ(ApiError::describe(problem(404, "")), "mailgated answered HTTP 404 Not Found");
  EXPECT_EQ(ApiError::describe(problem(400, "[1,2]")), "mailgated answered HTTP 400 Bad Request");
}

TEST(ApiErrorTest, UnauthorizedNamesTheTokenFile) {
  const auto text = ApiError::describe(problem(401, R"({"status":401,"detail":"invalid token"})"), "/var/lib/mailgate/cli.token");
  EXPECT_EQ(text, "mailgated refused the token in /var/lib/mailgate/cli.token — it rewrites cli.token at each start; "
                  "pass --token-file with a current token");
}

TEST(ApiErrorTest, ForbiddenAndRateLimitedSayWhatToDo) {
  EXPECT_EQ(ApiError::describe(problem(403, R"({"detail":"this needs the admin role"})")), "this needs the admin role");
  EXPECT_EQ(ApiError::describe(problem(403, "")), "mailgated answered HTTP 403 Forbidden — this needs an admin token");
  auto limited = problem(429, R"({"detail":"too many releases"})");
  limited.retryAfter = "30";
  EXPECT_EQ(ApiError::describe(limited), "too many releases — try again in 30 s");
}

TEST(ApiErrorTest, RemoteTextIsOneSafeLine) {
  const auto text = ApiError::describe(problem(502, "{\"detail\":\"554 denied\\r\\n\\u001b[31mred\"}"));
  EXPECT_EQ(text, "554 denied  ?[31mred");
  EXPECT_EQ(text.find('\n'), std::string::npos);
}

}  // namespace
}  // namespace mg::ctl
