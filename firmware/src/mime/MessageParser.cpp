#include "mime/MessageParser.h"

#include <exception>

#include "common/Text.h"
#include "mime/Limits.h"
#include "mime/detail/GMimeSupport.h"
#include "mime/detail/ParseView.h"
#include "mime/detail/PartWalker.h"

namespace mg::mime {

namespace {

using detail::GCharPtr;

bool hasEightBit(const char* s) {
  for (; s != nullptr && *s != '\0'; ++s) {
    if (static_cast<unsigned char>(*s) >= 0x80) return true;
  }
  return false;
}

std::string addressHeader(GMimeMessage* message, GMimeAddressType type, const char* headerName) {
  // Raw UTF-8 (an SMTPUTF8 message, RFC 6532) is shown as the sender wrote it: GMime would
  // turn an internationalised domain into its xn-- form, which no reviewer can read.
  const char* written = g_mime_object_get_header(detail::asObject(message), headerName);
  if (hasEightBit(written)) return std::string(common::trim(detail::validUtf8(written)));
  InternetAddressList* list = g_mime_message_get_addresses(message, type);
  if (list != nullptr && internet_address_list_length(list) > 0) {
    // encode=FALSE: display form, names decoded to UTF-8.
    GCharPtr text(internet_address_list_to_string(list, nullptr, FALSE));
    if (text && *text) return detail::validUtf8(text.get());
  }
  // Unparseable address syntax still shows what the sender wrote.
  return detail::validUtf8(g_mime_object_get_header(detail::asObject(message), headerName));
}

std::string lowerMimeType(GMimeObject* object) {
  GMimeContentType* contentType = g_mime_object_get_content_type(object);
  if (contentType == nullptr) return "application/octet-stream";
  GCharPtr mimeType(g_mime_content_type_get_mime_type(contentType));
  return mimeType ? common::toLower(mimeType.get()) : std::string("application/octet-stream");
}

std::string filenameOf(GMimeObject* object) {
  const char* name = g_mime_object_get_content_disposition_parameter(object, "filename");
  if (name == nullptr) name = g_mime_object_get_content_type_parameter(object, "name");
  return detail::validUtf8(name);
}

std::string bodyText(GMimePart* part) {
  std::string text = detail::toUtf8(detail::decodedContent(part),
                                    g_mime_object_get_content_type_parameter(detail::asObject(part), "charset"));
  // LF only: the UI, JSON and the editor work on lines, whatever the wire format was.
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      out += '\n';
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else {
      out += text[i];
    }
  }
  return out;
}

void collectHeaders(GMimeMessage* message, MessageSummary& summary) {
  GMimeHeaderList* list = g_mime_object_get_header_list(detail::asObject(message));
  const int count = list != nullptr ? g_mime_header_list_get_count(list) : 0;
  summary.headers.reserve(static_cast<size_t>(count > 0 ? count : 0));
  for (int i = 0; i < count; ++i) {
    GMimeHeader* header = g_mime_header_list_get_header_at(list, i);
    if (header == nullptr) continue;
    // GMime 3.2 hands out values already unfolded and RFC 2047-decoded.
    summary.headers.emplace_back(detail::validUtf8(g_mime_header_get_name(header)),
                                 detail::validUtf8(g_mime_header_get_value(header)));
  }
}

void collectParts(GMimeMessage* message, MessageSummary& summary) {
  GMimePart* body = detail::findBodyTextPart(message);
  if (body != nullptr) summary.text = bodyText(body);
  if (summary.text.size() > kMaxTextBytes) {
    summary.text.resize(common::utf8Prefix(summary.text, kMaxTextBytes));
    summary.textTruncated = true;
    summary.limitNotes.push_back("the text is shown cut at " + std::to_string(kMaxTextBytes / 1024) + " KiB");
  }

  detail::PartVisitor visitor;
  visitor.onPart = [&summary, body](GMimePart* part) {
    if (part == body) return;
    const bool attachment = detail::isAttachment(part);
    if (!attachment && detail::isType(part, "text", "html")) {
      summary.htmlPresent = true;
      return;
    }
    // Further inline plain text (list footers, split bodies) is body, not an attachment.
    if (!attachment && detail::isType(part, "text", "plain")) return;
    summary.attachments.push_back(
        Attachment{filenameOf(detail::asObject(part)), lowerMimeType(detail::asObject(part)), detail::decodedSize(part)});
  };
  visitor.onMessagePart = [&summary](GMimeMessagePart* part) {
    auto* object = reinterpret_cast<GMimeObject*>(part);
    summary.attachments.push_back(Attachment{filenameOf(object), lowerMimeType(object), detail::messagePartSize(part)});
  };
  detail::forEachLeaf(message, visitor);
}

MessageSummary summarise(GMimeMessage* message) {
  MessageSummary summary;
  summary.messageId = detail::validUtf8(g_mime_message_get_message_id(message));
  summary.subject = detail::validUtf8(g_mime_message_get_subject(message));
  summary.from = addressHeader(message, GMIME_ADDRESS_TYPE_FROM, "From");
  summary.to = addressHeader(message, GMIME_ADDRESS_TYPE_TO, "To");
  summary.cc = addressHeader(message, GMIME_ADDRESS_TYPE_CC, "Cc");
  summary.date = detail::validUtf8(g_mime_object_get_header(detail::asObject(message), "Date"));
  collectHeaders(message, summary);
  collectParts(message, summary);
  return summary;
}

}  // namespace

common::Result<MessageSummary> parseMessage(std::string_view raw) {
  try {
    detail::ParseView view = detail::makeParseView(raw);
    auto parsed = detail::parseMime(view.bytes(raw), detail::Headerless::kTreatAsBody);
    if (!parsed) return parsed.status().withContext("parsing message");
    MessageSummary summary = summarise(parsed->get());
    summary.hiddenParts = view.hiddenParts;
    summary.limitNotes.insert(summary.limitNotes.begin(), view.notes.begin(), view.notes.end());
    return summary;
  } catch (const std::exception& e) {  // std::bad_alloc from our own containers
    return common::Result<MessageSummary>::error(std::string("parsing message: ") + e.what());
  }
}

}  // namespace mg::mime
