#include "mime/detail/PartWalker.h"

#include "mime/Limits.h"
#include "mime/detail/GMimeSupport.h"

namespace mg::mime::detail {

namespace {

void walk(GMimeObject* object, const PartVisitor& visitor, int depth) {
  if (object == nullptr || depth > static_cast<int>(kMaxPartDepth)) return;
  if (auto* multipart = instanceAs<GMimeMultipart>(object, GMIME_TYPE_MULTIPART)) {
    const int count = g_mime_multipart_get_count(multipart);
    for (int i = 0; i < count; ++i) walk(g_mime_multipart_get_part(multipart, i), visitor, depth + 1);
  } else if (auto* messagePart = instanceAs<GMimeMessagePart>(object, GMIME_TYPE_MESSAGE_PART)) {
    if (visitor.onMessagePart) visitor.onMessagePart(messagePart);
  } else if (auto* part = instanceAs<GMimePart>(object, GMIME_TYPE_PART)) {
    if (visitor.onPart) visitor.onPart(part);
  }
}

}  // namespace

void forEachLeaf(GMimeMessage* message, const PartVisitor& visitor) {
  walk(g_mime_message_get_mime_part(message), visitor, 0);
}

bool isAttachment(GMimePart* part) {
  return g_mime_part_is_attachment(part) || g_mime_part_get_filename(part) != nullptr;
}

bool isType(GMimePart* part, const char* type, const char* subtype) {
  GMimeContentType* contentType = g_mime_object_get_content_type(asObject(part));
  return contentType != nullptr && g_mime_content_type_is_type(contentType, type, subtype);
}

GMimePart* findBodyTextPart(GMimeMessage* message) {
  GMimePart* found = nullptr;
  PartVisitor visitor;
  visitor.onPart = [&found](GMimePart* part) {
    if (found == nullptr && isType(part, "text", "plain") && !isAttachment(part)) found = part;
  };
  forEachLeaf(message, visitor);
  return found;
}

}  // namespace mg::mime::detail
