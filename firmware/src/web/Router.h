#pragma once
// Method + path pattern ("/api/v1/messages/{id}/release") → handler, with the role the
// route needs. Matching is exact per segment; {name} captures one segment.
#include <functional>
#include <string>
#include <vector>

#include "web/RequestContext.h"

namespace mg::web {

enum class Access { Public, Reader, Reviewer, Admin };

using Handler = std::function<void(RequestContext&)>;

class Router {
 public:
  void add(const std::string& method, const std::string& pattern, Access access, Handler handler);
  struct Match {
    const Handler* handler = nullptr;
    Access access = Access::Public;
    bool pathKnown = false;  // some route has this path (→ 405 rather than 404)
  };
  Match match(RequestContext& ctx) const;

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;
    Access access;
    Handler handler;
  };
  std::vector<Route> routes_;
};

}  // namespace mg::web
