#include "web/MessageJson.h"

#include <Poco/JSON/Array.h>

#include "web/RequestContext.h"

namespace mg::web {

namespace {
Poco::JSON::Array::Ptr strings(const std::vector<std::string>& v) {
  Poco::JSON::Array::Ptr a = new Poco::JSON::Array;
  for (const auto& s : v) a->add(s);
  return a;
}
std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}
}  // namespace

Poco::JSON::Object::Ptr messageItem(const store::MessageRecord& m) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
  o->set("id", static_cast<Poco::Int64>(m.id));
  o->set("source", m.source);
  if (m.accountId) o->set("account_id", static_cast<Poco::Int64>(m.accountId));
  else o->set("account_id", Poco::Dynamic::Var());
  o->set("status", m.status);
  o->set("message_id", m.messageId);
  o->set("from", m.fromHeader.empty() ? m.mailFrom : m.fromHeader);
  o->set("to", m.toHeader.empty() ? joined(m.rcptTo) : m.toHeader);
  o->set("subject", m.subject);
  o->set("received_at", isoTime(m.receivedAt));
  o->set("size", static_cast<Poco::Int64>(m.size));
  o->set("has_attachments", m.hasAttachments);
  o->set("smtputf8", m.smtpUtf8);
  if (!m.contentNote.empty()) o->set("content_note", m.contentNote);
  if (!m.ruleName.empty()) o->set("rule", m.ruleName);
  if (!m.failureReason.empty()) o->set("failure_reason", m.failureReason);
  return o;
}

Poco::JSON::Object::Ptr messageDetail(const store::MessageRecord& m, const mime::MessageSummary& s,
                                      const std::vector<store::MessageVersion>& versions) {
  auto o = messageItem(m);
  Poco::JSON::Array::Ptr headers = new Poco::JSON::Array;
  for (const auto& [name, value] : s.headers) {
    Poco::JSON::Array::Ptr pair = new Poco::JSON::Array;
    pair->add(name);
    pair->add(value);
    headers->add(pair);
  }
  o->set("headers", headers);
  Poco::JSON::Object::Ptr envelope = new Poco::JSON::Object;
  envelope->set("mail_from", m.mailFrom);
  envelope->set("rcpt_to", strings(m.rcptTo));
  o->set("envelope", envelope);
  if (!m.releaseTo.empty()) o->set("release_to", strings(m.releaseTo));
  o->set("text", s.text);
  o->set("text_truncated", s.textTruncated);
  o->set("html_present", s.htmlPresent);
  // What the content limits kept from view (never a silent omission), or why it is unparsed.
  o->set("content_warnings", strings(s.limitNotes));
  o->set("parsed", m.parsed);
  o->set("has_attachments", m.hasAttachments || s.hasAttachments());
  Poco::JSON::Array::Ptr atts = new Poco::JSON::Array;
  for (const auto& a : s.attachments) {
    Poco::JSON::Object::Ptr x = new Poco::JSON::Object;
    x->set("filename", a.filename);
    x->set("content_type", a.contentType);
    x->set("size", static_cast<Poco::UInt64>(a.size));
    atts->add(x);
  }
  o->set("attachments", atts);
  Poco::JSON::Array::Ptr vs = new Poco::JSON::Array;
  for (const auto& v : versions) {
    Poco::JSON::Object::Ptr x = new Poco::JSON::Object;
    x->set("version", v.version);
    x->set("created_at", isoTime(v.createdAt));
    x->set("created_by", v.createdBy);
    x->set("size", static_cast<Poco::Int64>(v.size));
    x->set("sha256", v.contentHash);
    vs->add(x);
  }
  o->set("versions", vs);
  o->set("current_version", m.currentVersion);
  o->set("failure_reason", m.failureReason);
  o->set("attempts", m.attempts);
  if (m.releasedAt) o->set("released_at", isoTime(m.releasedAt));
  return o;
}

}  // namespace mg::web
