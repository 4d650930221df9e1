#pragma once
// The one place GMime/GLib objects are owned and cast. GLib's cast macros are C casts
// (they trip -Wold-style-cast), so code here uses checked function calls plus
// reinterpret_cast instead of GMIME_PART(x) and friends.
#include <gmime/gmime.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/Status.h"

namespace mg::mime::detail {

// g_mime_init() is not itself thread-safe and must run once per process (std::call_once).
// After it, GMime objects are safe as long as each thread uses its own (GMime FAQ:
// charset/iconv/utils functions are thread-safe, GObjects are not shared here).
void ensureGMimeInitialised();

struct GObjectUnref {
  void operator()(void* object) const {
    if (object != nullptr) g_object_unref(object);
  }
};
template <typename T>
using GObjectPtr = std::unique_ptr<T, GObjectUnref>;

struct GFree {
  void operator()(void* p) const { g_free(p); }
};
using GCharPtr = std::unique_ptr<char, GFree>;

// The object as T when it is an instance of `type` (or a subclass), else nullptr.
template <typename T>
T* instanceAs(void* object, GType type) {
  if (object == nullptr || !g_type_check_instance_is_a(static_cast<GTypeInstance*>(object), type)) {
    return nullptr;
  }
  return static_cast<T*>(object);
}

// Up-casts: every GMime type below starts with its parent struct.
inline GMimeObject* asObject(GMimeMessage* m) { return reinterpret_cast<GMimeObject*>(m); }
inline GMimeObject* asObject(GMimePart* p) { return reinterpret_cast<GMimeObject*>(p); }
inline GMimeStream* asStream(GMimeStreamMem* s) { return reinterpret_cast<GMimeStream*>(s); }

// A parsed message that owns everything it references.
using MessagePtr = GObjectPtr<GMimeMessage>;

// What to do with input whose first line is not a header field (GMime finds no message).
enum class Headerless {
  kRefuse,      // an error: editing must not invent a message around junk
  kTreatAsBody  // a header-less message whose body is the input: a reviewer still sees it
};

// Size limit and empty input are errors for both parser and editor, checked here once.
common::Result<MessagePtr> parseMime(std::string_view raw, Headerless headerless);
// The same from a seekable stream (a file): GMime then keeps offsets, not the content of the
// parts (its persistent-stream mode), so a 25 MB attachment is never read into memory.
MessagePtr parseMimeStream(GMimeStream* stream, Headerless headerless);

// Transfer-decoded bytes of a leaf part (base64/QP undone); empty when it has no content.
std::string decodedContent(GMimePart* part);
// At most `maxBytes` of them; `cut` says whether there were more. Reads no further than that.
std::string decodedPrefix(GMimePart* part, size_t maxBytes, bool& cut);
// Decoded byte count without keeping the bytes (attachments may be large).
uint64_t decodedSize(GMimePart* part);
// Serialised size of an embedded message/rfc822 part.
uint64_t messagePartSize(GMimeMessagePart* part);

// Bytes in the declared charset (may be null or unknown) as valid UTF-8: declared charset
// first, then UTF-8, then windows-1252, finally invalid sequences replaced by U+FFFD.
// `cutAtEnd`: the bytes are a prefix (a text shown cut), whose last character may be cut.
std::string toUtf8(std::string_view bytes, const char* charset, bool cutAtEnd = false);
// GLib strings are not always valid UTF-8 (8-bit junk in headers); make them so.
std::string validUtf8(const char* text);

}  // namespace mg::mime::detail
