#include "mime/detail/GMimeSupport.h"

#include <mutex>

#include "mime/Limits.h"

namespace mg::mime::detail {

void ensureGMimeInitialised() {
  static std::once_flag once;
  // Never paired with g_mime_shutdown(): other threads may still parse at exit.
  std::call_once(once, [] { g_mime_init(); });
}

namespace {

struct ParserOptionsFree {
  void operator()(GMimeParserOptions* o) const { g_mime_parser_options_free(o); }
};

// Per call, never the shared default: the default object is global mutable state.
std::unique_ptr<GMimeParserOptions, ParserOptionsFree> makeParserOptions() {
  std::unique_ptr<GMimeParserOptions, ParserOptionsFree> options(g_mime_parser_options_new());
  // Undeclared 8-bit header bytes: UTF-8 if valid, else the usual Western default.
  const char* fallback[] = {"utf-8", "windows-1252", nullptr};
  g_mime_parser_options_set_fallback_charsets(options.get(), fallback);
  // Real mail breaks the RFCs (encoded words inside words, unquoted specials); be lenient.
  g_mime_parser_options_set_rfc2047_compliance_mode(options.get(), GMIME_RFC_COMPLIANCE_LOOSE);
  g_mime_parser_options_set_address_compliance_mode(options.get(), GMIME_RFC_COMPLIANCE_LOOSE);
  g_mime_parser_options_set_parameter_compliance_mode(options.get(), GMIME_RFC_COMPLIANCE_LOOSE);
  return options;
}

MessagePtr construct(GMimeStream* stream) {
  GObjectPtr<GMimeParser> parser(g_mime_parser_new_with_stream(stream));
  auto options = makeParserOptions();
  return MessagePtr(g_mime_parser_construct_message(parser.get(), options.get()));
}

}  // namespace

common::Result<MessagePtr> parseMime(std::string_view raw, Headerless headerless) {
  if (raw.empty()) return common::Result<MessagePtr>::error("empty message");
  if (raw.size() > kMaxMessageBytes) {
    return common::Result<MessagePtr>::error("message too large: " + std::to_string(raw.size()) +
                                             " bytes (limit " + std::to_string(kMaxMessageBytes) + ")");
  }
  ensureGMimeInitialised();
  // The memory stream copies the bytes; parts keep referencing it, so it lives with the message.
  GObjectPtr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(raw.data(), raw.size()));
  if (MessagePtr message = construct(stream.get())) return message;
  if (headerless == Headerless::kRefuse) {
    return common::Result<MessagePtr>::error("not a MIME message: the first line is not a header field");
  }
  stream.reset();  // free the first copy before making the second
  // An empty header block in front makes all of the input the body.
  GByteArray* bytes = g_byte_array_sized_new(static_cast<guint>(raw.size() + 2));
  g_byte_array_append(bytes, reinterpret_cast<const guint8*>("\r\n"), 2);
  g_byte_array_append(bytes, reinterpret_cast<const guint8*>(raw.data()), static_cast<guint>(raw.size()));
  GObjectPtr<GMimeStream> asBody(g_mime_stream_mem_new_with_byte_array(bytes));  // owns `bytes`
  if (MessagePtr message = construct(asBody.get())) return message;
  return common::Result<MessagePtr>::error("not a MIME message");
}

MessagePtr parseMimeStream(GMimeStream* stream, Headerless headerless) {
  ensureGMimeInitialised();
  if (MessagePtr message = construct(stream)) return message;
  if (headerless == Headerless::kRefuse) return nullptr;
  // An empty header block in front makes all of the input the body (without copying it).
  if (g_mime_stream_reset(stream) != 0) return nullptr;
  GObjectPtr<GMimeStream> cat(g_mime_stream_cat_new());
  GObjectPtr<GMimeStream> emptyHeader(g_mime_stream_mem_new_with_buffer("\r\n", 2));
  auto* catStream = reinterpret_cast<GMimeStreamCat*>(cat.get());
  if (g_mime_stream_cat_add_source(catStream, emptyHeader.get()) != 0 || g_mime_stream_cat_add_source(catStream, stream) != 0) {
    return nullptr;
  }
  return construct(cat.get());
}

std::string decodedPrefix(GMimePart* part, size_t maxBytes, bool& cut) {
  cut = false;
  GMimeDataWrapper* content = g_mime_part_get_content(part);
  if (content == nullptr) return {};
  GMimeStream* encoded = g_mime_data_wrapper_get_stream(content);
  if (encoded == nullptr || g_mime_stream_reset(encoded) != 0) return {};
  GObjectPtr<GMimeStream> decoded(g_mime_stream_filter_new(encoded));
  const GMimeContentEncoding encoding = g_mime_data_wrapper_get_encoding(content);
  if (encoding == GMIME_CONTENT_ENCODING_BASE64 || encoding == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE ||
      encoding == GMIME_CONTENT_ENCODING_UUENCODE) {
    GObjectPtr<GMimeFilter> filter(g_mime_filter_basic_new(encoding, FALSE));
    g_mime_stream_filter_add(reinterpret_cast<GMimeStreamFilter*>(decoded.get()), filter.get());
  }
  std::string out;
  char buffer[16 * 1024];
  while (out.size() <= maxBytes) {
    const ssize_t n = g_mime_stream_read(decoded.get(), buffer, sizeof buffer);
    if (n <= 0) break;
    out.append(buffer, static_cast<size_t>(n));
  }
  if (out.size() > maxBytes) {
    // Not inside a UTF-8 sequence (a cut character would make the whole text look like
    // another charset to toUtf8): back over at most three continuation bytes. A cut character
    // of another multi-byte charset is dropped by toUtf8's conversion.
    size_t end = maxBytes;
    for (int back = 0; back < 3 && end > 0 && (static_cast<unsigned char>(out[end]) & 0xC0) == 0x80; ++back) --end;
    out.resize(end);
    cut = true;
  }
  return out;
}

std::string decodedContent(GMimePart* part) {
  GMimeDataWrapper* content = g_mime_part_get_content(part);
  if (content == nullptr) return {};
  GObjectPtr<GMimeStream> sink(g_mime_stream_mem_new());
  if (g_mime_data_wrapper_write_to_stream(content, sink.get()) < 0) return {};
  GByteArray* bytes = g_mime_stream_mem_get_byte_array(reinterpret_cast<GMimeStreamMem*>(sink.get()));
  if (bytes == nullptr || bytes->len == 0) return {};
  return std::string(reinterpret_cast<const char*>(bytes->data), bytes->len);
}

uint64_t decodedSize(GMimePart* part) {
  GMimeDataWrapper* content = g_mime_part_get_content(part);
  if (content == nullptr) return 0;
  GObjectPtr<GMimeStream> sink(g_mime_stream_null_new());
  if (g_mime_data_wrapper_write_to_stream(content, sink.get()) < 0) return 0;
  return reinterpret_cast<GMimeStreamNull*>(sink.get())->written;
}

uint64_t messagePartSize(GMimeMessagePart* part) {
  GMimeMessage* inner = g_mime_message_part_get_message(part);
  if (inner == nullptr) return 0;
  GObjectPtr<GMimeStream> sink(g_mime_stream_null_new());
  if (g_mime_object_write_to_stream(asObject(inner), nullptr, sink.get()) < 0) return 0;
  return reinterpret_cast<GMimeStreamNull*>(sink.get())->written;
}

namespace {

// With `cutAtEnd`, a character cut off at the end (a text shown cut) is dropped; otherwise the
// whole input must convert.
bool convert(std::string_view bytes, const char* from, std::string& out, bool cutAtEnd) {
  gsize read = 0;
  gsize written = 0;
  GError* error = nullptr;
  GCharPtr converted(g_convert(bytes.data(), static_cast<gssize>(bytes.size()), "UTF-8", from, &read,
                               &written, &error));
  if (error != nullptr) g_error_free(error);
  if (!converted || (!cutAtEnd && read != bytes.size())) return false;
  out.assign(converted.get(), written);
  return true;
}

bool isUtf8Name(const char* iconvName) {
  return g_ascii_strcasecmp(iconvName, "UTF-8") == 0 || g_ascii_strcasecmp(iconvName, "utf8") == 0;
}

}  // namespace

std::string toUtf8(std::string_view bytes, const char* charset, bool cutAtEnd) {
  std::string out;
  bool declaredUtf8 = false;
  if (charset != nullptr && *charset != '\0') {
    // Canonical iconv name: "latin1", "cp1252", "utf8" and friends all appear in real mail.
    const char* iconvName = g_mime_charset_iconv_name(charset);
    declaredUtf8 = iconvName != nullptr && isUtf8Name(iconvName);
    if (iconvName != nullptr && !declaredUtf8 && convert(bytes, iconvName, out, cutAtEnd)) return out;
  }
  if (g_utf8_validate(bytes.data(), static_cast<gssize>(bytes.size()), nullptr)) return std::string(bytes);
  // Undeclared or wrongly declared 8-bit text is most often Western Windows text; but a
  // declared-UTF-8 body with a few bad bytes keeps its good characters.
  if (!declaredUtf8 && convert(bytes, "WINDOWS-1252", out, false)) return out;
  GCharPtr repaired(g_utf8_make_valid(bytes.data(), static_cast<gssize>(bytes.size())));
  return repaired ? std::string(repaired.get()) : std::string();
}

std::string validUtf8(const char* text) {
  if (text == nullptr) return {};
  if (g_utf8_validate(text, -1, nullptr)) return text;
  GCharPtr repaired(g_utf8_make_valid(text, -1));
  return repaired ? std::string(repaired.get()) : std::string();
}

}  // namespace mg::mime::detail
