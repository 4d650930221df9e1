#include "web/RequestContext.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTMLForm.h>
#include <Poco/Timestamp.h>
#include <Poco/Exception.h>
#include <Poco/URI.h>

#include <sstream>

namespace mg::web {

namespace {
constexpr std::streamsize kMaxBody = 1 << 20;
}

RequestContext::RequestContext(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response)
    : request_(request), response_(response), method_(request.getMethod()) {
  try {
    Poco::URI uri(request.getURI());
    path_ = uri.getPath();
    for (const auto& [k, v] : uri.getQueryParameters()) query_[k] = v;
  } catch (const Poco::Exception& e) {
    // "GET /%zz": a client error, answered as one (400) before any routing.
    uriError_ = e.displayText();
    path_.clear();
    query_.clear();
  }
}

std::string RequestContext::query(const std::string& name, const std::string& fallback) const {
  auto it = query_.find(name);
  return it == query_.end() ? fallback : it->second;
}

namespace {
std::optional<int64_t> parseInt(const std::string& s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  size_t i = s[0] == '-' ? 1 : 0;
  if (i == s.size()) return std::nullopt;
  for (size_t j = i; j < s.size(); ++j) {
    if (s[j] < '0' || s[j] > '9') return std::nullopt;
  }
  return std::stoll(s);
}
}  // namespace

std::optional<int64_t> RequestContext::intParam(const std::string& name) {
  auto v = parseInt(params[name]);
  if (!v || *v <= 0) {
    sendProblem(400, "Bad request", "'" + name + "' must be a positive whole number");
    return std::nullopt;
  }
  return v;
}

std::string textField(const Poco::JSON::Object::Ptr& o, const std::string& key) {
  return o->has(key) && o->get(key).isString() ? o->getValue<std::string>(key) : "";
}

void RequestContext::sendStoreUnavailable(const std::string& detail) {
  response_.set("Retry-After", "30");
  sendProblem(503, "Store unavailable", "the message store is not available: " + detail);
}

std::optional<int64_t> RequestContext::intQuery(const std::string& name, int64_t fallback, int64_t min, int64_t max) {
  const std::string raw = query(name);
  if (raw.empty()) return fallback;
  auto v = parseInt(raw);
  if (!v || *v < min || *v > max) {
    sendProblem(400, "Bad request",
                "query parameter '" + name + "' must be a number from " + std::to_string(min) + " to " + std::to_string(max));
    return std::nullopt;
  }
  return v;
}

Poco::JSON::Object::Ptr RequestContext::readJsonObject(bool allowEmpty) {
  std::string body;
  auto& in = request_.stream();
  char buf[8192];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    body.append(buf, static_cast<size_t>(in.gcount()));
    if (static_cast<std::streamsize>(body.size()) > kMaxBody) {
      sendProblem(413, "Payload too large", "request bodies are limited to 1 MiB");
      return nullptr;
    }
  }
  if (body.find_first_not_of(" \t\r\n") == std::string::npos) {
    if (allowEmpty) return new Poco::JSON::Object;
    sendProblem(400, "Bad request", "a JSON object body is required");
    return nullptr;
  }
  try {
    Poco::JSON::Parser parser;
    auto v = parser.parse(body);
    if (v.type() != typeid(Poco::JSON::Object::Ptr)) {
      sendProblem(400, "Bad request", "the body must be a JSON object");
      return nullptr;
    }
    return v.extract<Poco::JSON::Object::Ptr>();
  } catch (const Poco::Exception& e) {
    sendProblem(400, "Malformed JSON", e.displayText());
    return nullptr;
  }
}

void RequestContext::sendJson(int status, const Poco::Dynamic::Var& body) {
  std::ostringstream ss;
  Poco::JSON::Stringifier::stringify(body, ss);
  sendText(status, "application/json", ss.str());
}

void RequestContext::sendText(int status, const std::string& contentType, const std::string& body) {
  // With its own reason phrase: "HTTP/1.1 404 Not Found", never "404 OK".
  response_.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
  response_.setContentType(contentType);
  response_.set("Cache-Control", "no-store");
  response_.setContentLength(static_cast<std::streamsize>(body.size()));
  response_.send() << body;
}

void RequestContext::sendProblem(int status, const std::string& title, const std::string& detail,
                                 Poco::JSON::Object::Ptr extra) {
  Poco::JSON::Object::Ptr o = extra ? extra : Poco::JSON::Object::Ptr(new Poco::JSON::Object);
  o->set("type", "about:blank");
  o->set("title", title);
  if (!o->has("status")) o->set("status", status);
  o->set("detail", detail);
  std::ostringstream ss;
  o->stringify(ss);
  sendText(status, "application/problem+json", ss.str());
}

std::string isoTime(int64_t millis) {
  if (millis <= 0) return "";
  return Poco::DateTimeFormatter::format(Poco::Timestamp(millis * 1000), Poco::DateTimeFormat::ISO8601_FORMAT);
}

}  // namespace mg::web
