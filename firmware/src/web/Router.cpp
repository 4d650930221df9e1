#include "web/Router.h"

#include "common/Text.h"

namespace mg::web {

namespace {
std::vector<std::string> segmentsOf(const std::string& path) {
  std::vector<std::string> out;
  for (auto& s : common::split(path, '/')) {
    if (!s.empty()) out.push_back(s);
  }
  return out;
}
}  // namespace

void Router::add(const std::string& method, const std::string& pattern, Access access, Handler handler) {
  routes_.push_back({method, segmentsOf(pattern), access, std::move(handler)});
}

Router::Match Router::match(RequestContext& ctx) const {
  const auto segs = segmentsOf(ctx.path());
  Match result;
  for (const auto& r : routes_) {
    if (r.segments.size() != segs.size()) continue;
    std::map<std::string, std::string> params;
    bool ok = true;
    for (size_t i = 0; i < segs.size() && ok; ++i) {
      const auto& p = r.segments[i];
      if (p.size() > 2 && p.front() == '{' && p.back() == '}') {
        params[p.substr(1, p.size() - 2)] = segs[i];
      } else {
        ok = p == segs[i];
      }
    }
    if (!ok) continue;
    result.pathKnown = true;
    if (r.method != ctx.method()) continue;
    ctx.params = std::move(params);
    result.handler = &r.handler;
    result.access = r.access;
    return result;
  }
  return result;
}

}  // namespace mg::web
