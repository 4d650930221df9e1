#include "mime/MessageEditor.h"

#include <cstring>
#include <exception>
#include <optional>
#include <utility>
#include <vector>

#include "common/Text.h"
#include "mime/MessageParser.h"
#include "mime/detail/EncodedWords.h"
#include "mime/detail/GMimeSupport.h"
#include "mime/detail/ParseView.h"
#include "mime/detail/PartWalker.h"

namespace mg::mime {

namespace {

using detail::GObjectPtr;

// RFC 5322 line limit without the CRLF; longer lines must be encoded.
constexpr size_t kMaxLineOctets = 998;

// A header value must stay one header: CR/LF/NUL from a web form would start a new one.
std::string headerSafe(const std::string& value) {
  std::string out = value;
  for (char& c : out) {
    if (c == '\r' || c == '\n' || c == '\0') c = ' ';
  }
  return detail::validUtf8(out.c_str());
}

// LF line endings, no NUL, valid UTF-8: GMime's encoders and the DOS newline filter then
// produce clean CRLF output (a stray CR would be QP-encoded as "=0D").
std::string normaliseText(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\r') {
      out += '\n';
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else if (c != '\0') {
      out += c;
    }
  }
  return detail::validUtf8(out.c_str());
}

GMimeContentEncoding chooseEncoding(const std::string& text) {
  size_t lineLength = 0;
  for (const char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE;
    lineLength = c == '\n' ? 0 : lineLength + 1;
    if (lineLength > kMaxLineOctets) return GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE;
  }
  return GMIME_CONTENT_ENCODING_7BIT;
}

// RFC 2045 token: what a parameter name must be. GMime 3.2's parameter encoder loops until it
// runs out of memory on names with 8-bit bytes (found by the mime_parse fuzzer), so a name
// that is no token is dropped from the rewritten Content-Type rather than passed on.
bool isToken(const char* s) {
  if (*s == '\0') return false;
  for (; *s != '\0'; ++s) {
    const auto c = static_cast<unsigned char>(*s);
    if (c <= 0x20 || c >= 0x7f || std::strchr("()<>@,;:\\\"/[]?=", c) != nullptr) return false;
  }
  return true;
}
constexpr size_t kMaxKeptParamBytes = 1024;

// text/plain; charset=utf-8, keeping other parameters except format/delsp: format=flowed
// would make readers re-wrap the reviewer's text, which was not written as flowed.
void setUtf8PlainContentType(GMimeObject* object) {
  std::vector<std::pair<std::string, std::string>> keep;
  if (GMimeContentType* old = g_mime_object_get_content_type(object)) {
    GMimeParamList* params = g_mime_content_type_get_parameters(old);
    const int count = params != nullptr ? g_mime_param_list_length(params) : 0;
    for (int i = 0; i < count; ++i) {
      GMimeParam* param = g_mime_param_list_get_parameter_at(params, i);
      const char* name = param != nullptr ? g_mime_param_get_name(param) : nullptr;
      const char* value = param != nullptr ? g_mime_param_get_value(param) : nullptr;
      if (name == nullptr || value == nullptr || !isToken(name) || std::strlen(value) > kMaxKeptParamBytes) continue;
      if (common::iequals(name, "charset") || common::iequals(name, "format") || common::iequals(name, "delsp")) {
        continue;
      }
      keep.emplace_back(name, value);
    }
  }
  GObjectPtr<GMimeContentType> contentType(g_mime_content_type_new("text", "plain"));
  g_mime_content_type_set_parameter(contentType.get(), "charset", "utf-8");
  for (const auto& [name, value] : keep) g_mime_content_type_set_parameter(contentType.get(), name.c_str(), value.c_str());
  g_mime_object_set_content_type(object, contentType.get());  // takes its own reference
}

void replaceText(GMimePart* part, const std::string& newText) {
  const std::string text = normaliseText(newText);
  GObjectPtr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(text.data(), text.size()));
  // DEFAULT: the stream holds decoded bytes; GMime encodes them when writing.
  GObjectPtr<GMimeDataWrapper> content(g_mime_data_wrapper_new_with_stream(stream.get(), GMIME_CONTENT_ENCODING_DEFAULT));
  g_mime_part_set_content(part, content.get());  // takes its own reference
  g_mime_part_set_content_encoding(part, chooseEncoding(text));
  setUtf8PlainContentType(detail::asObject(part));
}

struct FormatOptionsFree {
  void operator()(GMimeFormatOptions* o) const { g_mime_format_options_free(o); }
};

common::Result<std::string> serialise(GMimeMessage* message) {
  // Per call, not the shared default options: those are global state.
  std::unique_ptr<GMimeFormatOptions, FormatOptionsFree> options(g_mime_format_options_new());
  g_mime_format_options_set_newline_format(options.get(), GMIME_NEWLINE_FORMAT_DOS);
  GObjectPtr<GMimeStream> sink(g_mime_stream_mem_new());
  if (g_mime_object_write_to_stream(detail::asObject(message), options.get(), sink.get()) < 0) {
    return common::Result<std::string>::error("editing message: writing the new version failed");
  }
  GByteArray* bytes = g_mime_stream_mem_get_byte_array(reinterpret_cast<GMimeStreamMem*>(sink.get()));
  if (bytes == nullptr) return std::string();
  return std::string(reinterpret_cast<const char*>(bytes->data), bytes->len);
}

std::string trimmedBlanks(const std::string& s) {
  const size_t a = s.find_first_not_of(" \t");
  if (a == std::string::npos) return "";
  return s.substr(a, s.find_last_not_of(" \t") - a + 1);
}

common::Status readsBackAsWritten(const std::string& edited, const std::optional<std::string>& subject,
                                  const std::optional<std::string>& text) {
  auto again = parseMessage(edited);
  if (!again) return common::Status::error("the edited version cannot be read back (" + again.errorMessage() + ")");
  // Header values are read back unfolded, without blanks at their ends (RFC 5322 §2.2.3).
  if (subject && trimmedBlanks(again->subject) != trimmedBlanks(*subject)) {
    return common::Status::error("the new Subject does not read back as written");
  }
  if (text) {
    const bool same = again->textTruncated ? text->compare(0, again->text.size(), again->text) == 0 : again->text == *text;
    if (!same) return common::Status::error("the new text does not read back as written");
  }
  return common::Status::success();
}

// No blank line ends the header block, and the last line has no line break.
bool headerBlockUnterminated(std::string_view raw) {
  if (raw.empty() || raw.back() == '\n') return false;
  if (raw.front() == '\n' || raw.substr(0, 2) == "\r\n") return false;
  return raw.find("\n\n") == std::string_view::npos && raw.find("\n\r\n") == std::string_view::npos;
}

}  // namespace

common::Result<std::string> editMessage(std::string_view raw, const std::optional<std::string>& newSubject,
                                        const std::optional<std::string>& newText) {
  try {
    // An edit rebuilds the message from what GMime parsed: where the content limits kept
    // anything from it, the new version would silently lose that. Refuse instead.
    if (const detail::ParseView view = detail::makeParseView(raw); view.changed) {
      return common::Result<std::string>::error(
          "editing message: it is beyond the content limits (" +
          (view.notes.empty() ? std::string("header bytes that cannot be shown as they are") : view.notes.front()) +
          "); it can be released or discarded as it is, not edited");
    }
    // A message that is all header block and stops without a line break ("From: x", cut
    // short): GMime keeps the last field's value without one, and a header added behind it
    // (the new Subject) would be glued onto that line. The block gets its line break first.
    std::string completed;
    if (headerBlockUnterminated(raw)) {
      completed.reserve(raw.size() + 2);
      completed.append(raw).append("\r\n");
      raw = completed;
    }
    auto parsed = detail::parseMime(raw, detail::Headerless::kRefuse);
    if (!parsed) return parsed.status().withContext("editing message");
    GMimeMessage* message = parsed->get();
    if (newText) {
      GMimePart* body = detail::findBodyTextPart(message);
      if (body == nullptr) {
        return common::Result<std::string>::error("editing message: it has no text/plain body part to replace");
      }
      replaceText(body, *newText);
      // The part now carries MIME headers; a message that had none must declare MIME.
      if (g_mime_object_get_header(detail::asObject(message), "MIME-Version") == nullptr) {
        g_mime_object_set_header(detail::asObject(message), "MIME-Version", "1.0", nullptr);
      }
    }
    if (newSubject) {
      const std::string subject = headerSafe(*newSubject);
      g_mime_message_set_subject(message, subject.c_str(), "utf-8");
      if (detail::needsEncodedWords(subject)) {
        // Written as Q-encoded words of our own (see EncodedWords.h for why not GMime's).
        GMimeHeader* h = g_mime_header_list_get_header(g_mime_object_get_header_list(detail::asObject(message)), "Subject");
        if (h != nullptr) g_mime_header_set_raw_value(h, detail::qEncodedWords(subject).c_str());
      }
    }
    auto out = serialise(message);
    if (!out) return out;
    // Never confirm an edit that does not read back as written: GMime keeps raw bytes of the
    // original (a header value cut at a NUL, an unterminated line) that can swallow what the
    // edit added. One more parse of a message an operator edits is cheap.
    if (auto st = readsBackAsWritten(*out, newSubject ? std::optional<std::string>(headerSafe(*newSubject)) : std::nullopt,
                                     newText ? std::optional<std::string>(normaliseText(*newText)) : std::nullopt);
        !st) {
      return common::Result<std::string>::error("editing message: " + st.message() +
                                                "; it can be released or discarded as it is, not edited");
    }
    return out;
  } catch (const std::exception& e) {  // std::bad_alloc from our own containers
    return common::Result<std::string>::error(std::string("editing message: ") + e.what());
  }
}

}  // namespace mg::mime
