#include "ctl/ApiJson.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeParser.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <sstream>

#include "ctl/JsonFields.h"
#include "ctl/TerminalText.h"

namespace mg::ctl {
namespace {

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;
using json::flag;
using json::malformed;
using json::number;
using json::text;

Object::Ptr parseObject(const std::string& body) {
  Poco::JSON::Parser parser;
  return parser.parse(body).extract<Object::Ptr>();
}

std::string compact(const Var& v) {
  std::ostringstream out;
  Poco::JSON::Stringifier::condense(v, out);
  return out.str();
}

// "to" may be one string or a list of them.
std::vector<std::string> strings(const Object::Ptr& o, const std::string& key) {
  std::vector<std::string> out;
  if (!o || !o->has(key)) return out;
  const Var v = o->get(key);
  if (v.isString()) {
    out.push_back(v.extract<std::string>());
  } else if (v.type() == typeid(Array::Ptr)) {
    const auto arr = v.extract<Array::Ptr>();
    for (size_t i = 0; arr && i < arr->size(); ++i) out.push_back(arr->get(static_cast<unsigned>(i)).toString());
  }
  return out;
}

MessageSummary summaryOf(const Object::Ptr& o) {
  MessageSummary m;
  m.id = number(o, "id");
  m.source = text(o, "source");
  m.status = text(o, "status");
  m.messageId = text(o, "message_id");
  m.from = text(o, "from");
  m.to = strings(o, "to");
  m.subject = text(o, "subject");
  m.receivedAt = text(o, "received_at");
  m.receivedAtMillis = ApiJson::parseTimestamp(m.receivedAt);
  m.size = number(o, "size");
  m.hasAttachments = flag(o, "has_attachments");
  m.json = compact(o);
  return m;
}

// A check is "ok" or {status, detail|message|error}.
std::string checkText(const Var& v) {
  if (v.isString()) return v.extract<std::string>();
  if (v.type() != typeid(Object::Ptr)) return v.isEmpty() ? "" : v.toString();
  const auto o = v.extract<Object::Ptr>();
  std::string s = text(o, "status");
  for (const char* key : {"detail", "message", "error", "reason"}) {
    const std::string d = text(o, key);
    if (!d.empty()) return s + ": " + d;
  }
  return s;
}

std::string quoted(const std::string& s) {
  std::ostringstream out;
  Poco::JSON::Stringifier::formatString(s, out);
  return out.str();
}

}  // namespace

std::optional<int64_t> ApiJson::parseTimestamp(const std::string& iso8601) {
  // POCO's parser is lenient (it skips what it does not understand), so check the shape first.
  const auto digitsAt = [&](size_t from, size_t n) {
    for (size_t i = from; i < from + n; ++i)
      if (i >= iso8601.size() || iso8601[i] < '0' || iso8601[i] > '9') return false;
    return true;
  };
  if (iso8601.size() < 20 || !digitsAt(0, 4) || iso8601[4] != '-' || !digitsAt(5, 2) || iso8601[7] != '-' ||
      !digitsAt(8, 2) || (iso8601[10] != 'T' && iso8601[10] != ' ') || !digitsAt(11, 2) || iso8601[13] != ':')
    return std::nullopt;
  Poco::DateTime dt;
  int tzd = 0;
  for (const auto& fmt : {Poco::DateTimeFormat::ISO8601_FRAC_FORMAT, Poco::DateTimeFormat::ISO8601_FORMAT}) {
    if (Poco::DateTimeParser::tryParse(fmt, iso8601, dt, tzd)) {
      dt.makeUTC(tzd);
      return dt.timestamp().epochMicroseconds() / 1000;
    }
  }
  return std::nullopt;
}

common::Result<MessagePage> ApiJson::parsePage(const std::string& body) {
  try {
    const auto o = parseObject(body);
    if (!o || !o->isArray("items")) return malformed<MessagePage>("no items list");
    MessagePage page;
    const auto items = o->getArray("items");
    for (size_t i = 0; i < items->size(); ++i) {
      const auto item = items->getObject(static_cast<unsigned>(i));
      if (!item) return malformed<MessagePage>("an item is not an object");
      page.items.push_back(summaryOf(item));
    }
    const std::string next = text(o, "next");
    if (!next.empty()) page.next = next;
    return page;
  } catch (const Poco::Exception& e) {
    return malformed<MessagePage>(e.displayText());
  } catch (const std::exception& e) {
    return malformed<MessagePage>(e.what());
  }
}

common::Result<MessageDetail> ApiJson::parseDetail(const std::string& body) {
  try {
    const auto o = parseObject(body);
    if (!o || !o->has("id")) return malformed<MessageDetail>("no message id");
    MessageDetail d;
    d.summary = summaryOf(o);
    if (const auto headers = o->getArray("headers")) {
      for (size_t i = 0; i < headers->size(); ++i) {
        const auto pair = headers->getArray(static_cast<unsigned>(i));
        if (pair && pair->size() >= 2) d.headers.emplace_back(pair->get(0).toString(), pair->get(1).toString());
      }
    }
    if (const auto env = o->getObject("envelope")) {
      d.mailFrom = text(env, "mail_from");
      d.rcptTo = strings(env, "rcpt_to");
    }
    d.text = text(o, "text");
    d.htmlPresent = flag(o, "html_present");
    if (const auto atts = o->getArray("attachments")) {
      for (size_t i = 0; i < atts->size(); ++i) {
        const auto a = atts->getObject(static_cast<unsigned>(i));
        if (a) d.attachments.push_back({text(a, "filename"), text(a, "content_type"), number(a, "size")});
      }
    }
    // `versions` is a count or the list of versions; either way the operator wants how many.
    if (o->isArray("versions")) {
      d.versions = static_cast<int64_t>(o->getArray("versions")->size());
    } else {
      d.versions = number(o, "versions", 1);
    }
    d.failureReason = text(o, "failure_reason");
    return d;
  } catch (const Poco::Exception& e) {
    return malformed<MessageDetail>(e.displayText());
  } catch (const std::exception& e) {
    return malformed<MessageDetail>(e.what());
  }
}

common::Result<HealthReport> ApiJson::parseHealth(const std::string& body) {
  try {
    const auto o = parseObject(body);
    if (!o || !o->has("status")) return malformed<HealthReport>("no status");
    HealthReport h;
    h.status = text(o, "status");
    if (const auto checks = o->getObject("checks")) {
      std::vector<std::string> names;
      checks->getNames(names);
      for (const auto& n : names) h.checks.emplace_back(n, checkText(checks->get(n)));
    }
    return h;
  } catch (const Poco::Exception& e) {
    return malformed<HealthReport>(e.displayText());
  } catch (const std::exception& e) {
    return malformed<HealthReport>(e.what());
  }
}

common::Result<std::vector<std::pair<std::string, std::string>>> ApiJson::parseFlat(const std::string& body) {
  using Flat = std::vector<std::pair<std::string, std::string>>;
  try {
    const auto o = parseObject(body);
    if (!o) return malformed<Flat>("not an object");
    Flat out;
    // POCO's Object keeps insertion order only when asked; the contract's order is the useful one.
    static const char* const kOrder[] = {"status", "start_time", "uptime_seconds", "message_count",
                                         "error_count", "error_rate", "last_message"};
    for (const char* key : kOrder)
      if (o->has(key)) out.emplace_back(key, text(o, key));
    std::vector<std::string> names;
    o->getNames(names);
    for (const auto& n : names) {
      bool known = false;
      for (const char* key : kOrder) known = known || n == key;
      if (!known) out.emplace_back(n, text(o, n));
    }
    return out;
  } catch (const Poco::Exception& e) {
    return malformed<Flat>(e.displayText());
  } catch (const std::exception& e) {
    return malformed<Flat>(e.what());
  }
}

common::Result<ReleaseOutcome> ApiJson::parseRelease(const std::string& body) {
  try {
    const auto o = parseObject(body);
    if (!o) return malformed<ReleaseOutcome>("not an object");
    return ReleaseOutcome{number(o, "id"), text(o, "status"), flag(o, "already_released")};
  } catch (const Poco::Exception& e) {
    return malformed<ReleaseOutcome>(e.displayText());
  } catch (const std::exception& e) {
    return malformed<ReleaseOutcome>(e.what());
  }
}

common::Result<std::string> ApiJson::parseCreatedToken(const std::string& body) {
  try {
    const auto o = parseObject(body);
    const std::string token = text(o, "token");
    if (token.empty()) return malformed<std::string>("no token in the answer");
    return token;
  } catch (const Poco::Exception& e) {
    return malformed<std::string>(e.displayText());
  } catch (const std::exception& e) {
    return malformed<std::string>(e.what());
  }
}

common::Result<std::string> ApiJson::parseFingerprint(const std::string& body) {
  try {
    return text(parseObject(body), "tls_fingerprint");
  } catch (const Poco::Exception& e) {
    return malformed<std::string>(e.displayText());
  } catch (const std::exception& e) {
    return malformed<std::string>(e.what());
  }
}

std::string ApiJson::releaseBody(const std::vector<std::string>& to) {
  if (to.empty()) return "{}";
  std::string out = "{\"to\":[";
  for (size_t i = 0; i < to.size(); ++i) out += (i ? "," : "") + quoted(to[i]);
  return out + "]}";
}

std::string ApiJson::tokenBody(const std::string& name, const std::string& role) {
  return "{\"name\":" + quoted(name) + ",\"role\":" + quoted(role) + "}";
}

std::string ApiJson::userBody(const std::string& username, const std::string& password, const std::string& role) {
  return "{\"username\":" + quoted(username) + ",\"password\":" + quoted(password) + ",\"role\":" + quoted(role) + "}";
}

}  // namespace mg::ctl
