// The status page (CONTRACT §4: "served from / by the same server"): /assets/… are the
// built-in files; every page path answers index.html, whose scripts draw the page from the
// API. An admin-only page asked for by a logged-in reviewer answers 403 (the page then says
// so) rather than a page whose every call would fail.
#include <cstring>
#include <string>

#include "web/ApiServer.h"
#include "web/SessionCookie.h"
#include "web/UiAssets.h"

namespace mg::web {

const UiAsset* findUiAsset(const std::string& path) {
  for (const UiAsset* a = uiAssetsBegin(); a != uiAssetsEnd(); ++a) {
    if (path == a->path) return a;
  }
  return nullptr;
}

std::string uiContentType(const std::string& path) {
  auto ends = [&path](const char* ext) {
    const size_t n = std::strlen(ext);
    return path.size() >= n && path.compare(path.size() - n, n, ext) == 0;
  };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".js")) return "text/javascript; charset=utf-8";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".png")) return "image/png";
  if (ends(".ico")) return "image/x-icon";
  if (ends(".json")) return "application/json";
  return "application/octet-stream";
}

namespace {

// ETag + no-cache: the browser asks each time (cheap 304s) and never runs an old script
// after an update.
void sendAsset(RequestContext& ctx, const UiAsset& asset, int status = 200) {
  auto& response = ctx.response();
  response.set("Cache-Control", "no-cache");
  response.set("ETag", asset.etag);
  if (status == 200 && ctx.request().get("If-None-Match", "") == asset.etag) {
    response.setStatus(Poco::Net::HTTPResponse::HTTP_NOT_MODIFIED);
    response.setContentLength(0);
    response.send();
    return;
  }
  response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
  response.setContentType(uiContentType(asset.path));
  response.setContentLength(static_cast<std::streamsize>(asset.size));
  response.sendBuffer(asset.data, asset.size);
}

// The logged-in user's role for a page load, "" when there is no live session.
std::string pageRole(ApiContext& c, RequestContext& ctx) {
  const std::string cookie = sessionCookieValue(ctx.request());
  if (cookie.empty() || !c.sessions) return "";
  auto session = c.sessions->peek(cookie);
  if (!session) return "";
  auto user = c.users->findUser(session->user);
  if (!user || !user.value()) return "";
  return user.value()->role;
}

}  // namespace

void addUiRoutes(Router& r, ApiContext& c) {
  const UiAsset* index = findUiAsset("/index.html");
  for (const UiAsset* a = uiAssetsBegin(); a != uiAssetsEnd(); ++a) {
    if (a == index) continue;
    r.add("GET", std::string("/assets") + a->path, Access::Public, [a](RequestContext& ctx) { sendAsset(ctx, *a); });
  }
  if (!index) return;  // a build without the page: / stays 404
  for (const char* page : {"/", "/setup", "/login", "/held", "/messages/{id}", "/audit", "/accounts", "/rules",
                           "/notifications", "/config", "/backups", "/account"}) {
    r.add("GET", page, Access::Public, [index](RequestContext& ctx) { sendAsset(ctx, *index); });
  }
  for (const char* page : {"/users", "/tokens"}) {
    r.add("GET", page, Access::Public, [index, &c](RequestContext& ctx) {
      const std::string role = pageRole(c, ctx);
      sendAsset(ctx, *index, role.empty() || role == "admin" ? 200 : 403);
    });
  }
}

}  // namespace mg::web
