#include "web/Router.h"

#include <Poco/Net/HTTPServerRequestImpl.h>

#include <gtest/gtest.h>

#include "web/RequestContext.h"

using namespace mg::web;

namespace {

// A RequestContext needs a request and a response; Router::match only reads method and path,
// so a minimal in-memory request is enough.
class FakeRequest final : public Poco::Net::HTTPServerRequest {
 public:
  FakeRequest(const std::string& method, const std::string& uri) {
    setMethod(method);
    setURI(uri);
  }
  std::istream& stream() override { return in_; }
  const Poco::Net::SocketAddress& clientAddress() const override { return addr_; }
  const Poco::Net::SocketAddress& serverAddress() const override { return addr_; }
  const Poco::Net::HTTPServerParams& serverParams() const override { throw Poco::NotImplementedException(); }
  Poco::Net::HTTPServerResponse& response() const override { throw Poco::NotImplementedException(); }
  bool secure() const override { return false; }

 private:
  std::istringstream in_;
  Poco::Net::SocketAddress addr_;
};

class FakeResponse final : public Poco::Net::HTTPServerResponse {
 public:
  void sendContinue() override {}
  std::ostream& send() override { sent_ = true; return out_; }
  void sendFile(const std::string&, const std::string&) override {}
  void sendBuffer(const void*, std::size_t) override {}
  void redirect(const std::string&, HTTPStatus) override {}
  void requireAuthentication(const std::string&) override {}
  bool sent() const override { return sent_; }
  std::string body() const { return out_.str(); }

 private:
  std::ostringstream out_;
  bool sent_ = false;
};

struct Probe {
  std::string hit;
  std::map<std::string, std::string> params;
};

Router routes(Probe& probe) {
  Router r;
  r.add("GET", "/api/v1/messages", Access::Reader, [&](RequestContext&) { probe.hit = "list"; });
  r.add("GET", "/api/v1/messages/{id}", Access::Reader, [&](RequestContext& c) { probe.hit = "show"; probe.params = c.params; });
  r.add("POST", "/api/v1/messages/release", Access::Reviewer, [&](RequestContext&) { probe.hit = "bulk"; });
  r.add("POST", "/api/v1/messages/{id}/release", Access::Reviewer, [&](RequestContext& c) { probe.hit = "release"; probe.params = c.params; });
  return r;
}

}  // namespace

TEST(RouterTest, MatchesExactSegmentsAndCapturesParameters) {
  Probe probe;
  Router r = routes(probe);
  FakeRequest req("POST", "/api/v1/messages/42/release?x=1");
  FakeResponse resp;
  RequestContext ctx(req, resp);
  auto m = r.match(ctx);
  ASSERT_NE(m.handler, nullptr);
  EXPECT_EQ(m.access, Access::Reviewer);
  (*m.handler)(ctx);
  EXPECT_EQ(probe.hit, "release");
  EXPECT_EQ(probe.params["id"], "42");
  EXPECT_EQ(ctx.query("x"), "1");
}

TEST(RouterTest, LiteralRouteWinsOverParameterForItsMethod) {
  Probe probe;
  Router r = routes(probe);
  FakeRequest req("POST", "/api/v1/messages/release");
  FakeResponse resp;
  RequestContext ctx(req, resp);
  auto m = r.match(ctx);
  ASSERT_NE(m.handler, nullptr);
  (*m.handler)(ctx);
  EXPECT_EQ(probe.hit, "bulk");
}

TEST(RouterTest, KnownPathWithOtherMethodIsNotAMatchButKnown) {
  Probe probe;
  Router r = routes(probe);
  FakeRequest req("DELETE", "/api/v1/messages/7");
  FakeResponse resp;
  RequestContext ctx(req, resp);
  auto m = r.match(ctx);
  EXPECT_EQ(m.handler, nullptr);
  EXPECT_TRUE(m.pathKnown);  // → 405, not 404
  FakeRequest other("GET", "/api/v1/nothing/here");
  RequestContext ctx2(other, resp);
  EXPECT_FALSE(r.match(ctx2).pathKnown);
}

TEST(RouterTest, BadIdGivesProblemJson) {
  FakeRequest req("GET", "/api/v1/messages/abc");
  FakeResponse resp;
  RequestContext ctx(req, resp);
  ctx.params["id"] = "abc";
  EXPECT_FALSE(ctx.intParam("id").has_value());
  EXPECT_EQ(resp.getStatus(), Poco::Net::HTTPResponse::HTTP_BAD_REQUEST);
  EXPECT_EQ(resp.getContentType(), "application/problem+json");
  EXPECT_NE(resp.body().find("\"detail\""), std::string::npos);
}
