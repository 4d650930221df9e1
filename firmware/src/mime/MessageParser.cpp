#include "mime/MessageParser.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
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

// Only what can be shown is decoded: a 25 MB text body is shown cut, never read into memory
// whole. Twice kMaxTextBytes, because CRLF becomes LF below (a text of empty lines halves).
std::string bodyText(GMimePart* part, bool& cut) {
  const std::string decoded = detail::decodedPrefix(part, 2 * kMaxTextBytes + 4, cut);
  std::string text = detail::toUtf8(decoded, g_mime_object_get_content_type_parameter(detail::asObject(part), "charset"), cut);
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

// Cut to at most kMaxTextBytes on a character boundary; true when something was cut.
bool cutToLimit(std::string& text) {
  if (text.size() <= kMaxTextBytes) return false;
  text.resize(common::utf8Prefix(text, kMaxTextBytes));
  return true;
}

void collectParts(GMimeMessage* message, MessageSummary& summary, bool withHtml) {
  GMimePart* body = detail::findBodyTextPart(message);
  bool cut = false;
  if (body != nullptr) summary.text = bodyText(body, cut);
  if (cutToLimit(summary.text) || cut) {
    summary.textTruncated = true;
    summary.limitNotes.push_back("the text is shown cut at " + std::to_string(kMaxTextBytes / 1024) + " KiB");
  }

  detail::PartVisitor visitor;
  visitor.onPart = [&summary, body, withHtml](GMimePart* part) {
    if (part == body) return;
    const bool attachment = detail::isAttachment(part);
    if (!attachment && detail::isType(part, "text", "html")) {
      if (withHtml && !summary.htmlPresent) {
        bool htmlCut = false;
        summary.html = bodyText(part, htmlCut);
        summary.htmlTruncated = cutToLimit(summary.html) || htmlCut;
      }
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

MessageSummary summarise(GMimeMessage* message, bool withHtml) {
  MessageSummary summary;
  summary.messageId = detail::validUtf8(g_mime_message_get_message_id(message));
  summary.subject = detail::validUtf8(g_mime_message_get_subject(message));
  summary.from = addressHeader(message, GMIME_ADDRESS_TYPE_FROM, "From");
  summary.to = addressHeader(message, GMIME_ADDRESS_TYPE_TO, "To");
  summary.cc = addressHeader(message, GMIME_ADDRESS_TYPE_CC, "Cc");
  summary.date = detail::validUtf8(g_mime_object_get_header(detail::asObject(message), "Date"));
  collectHeaders(message, summary);
  collectParts(message, summary, withHtml);
  return summary;
}

constexpr size_t kReleaseLagBytes = 1024 * 1024;

// A read-only private mapping of a whole file, unmapped with the object.
class MappedFile {
 public:
  explicit MappedFile(const std::string& path) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) {
      error_ = "open " + path + ": " + std::strerror(errno);
      return;
    }
    struct stat st {};
    if (::fstat(fd_, &st) != 0) {
      error_ = "stat " + path + ": " + std::strerror(errno);
      return;
    }
    size_ = static_cast<size_t>(st.st_size);
    if (size_ == 0) return;
    void* map = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd_, 0);
    if (map == MAP_FAILED) {
      error_ = "map " + path + ": " + std::strerror(errno);
      return;
    }
    map_ = static_cast<const char*>(map);
  }
  ~MappedFile() {
    if (map_ != nullptr) ::munmap(const_cast<char*>(map_), size_);
    if (fd_ >= 0) ::close(fd_);
  }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  const std::string& error() const { return error_; }
  int fd() const { return fd_; }
  // Gives the pages before `end` back (not the file's: they are read again if touched).
  void release(size_t end) const {
    const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
    const size_t bytes = std::min(end, size_) / page * page;
    if (map_ != nullptr && bytes > 0) (void)::madvise(const_cast<char*>(map_), bytes, MADV_DONTNEED);
  }
  std::string_view bytes() const { return map_ == nullptr ? std::string_view() : std::string_view(map_, size_); }

 private:
  int fd_ = -1;
  const char* map_ = nullptr;
  size_t size_ = 0;
  std::string error_;
};

common::Result<MessageSummary> finish(MessageSummary summary, const detail::ParseView& view) {
  summary.hiddenParts = view.hiddenParts;
  summary.limitNotes.insert(summary.limitNotes.begin(), view.notes.begin(), view.notes.end());
  return summary;
}

}  // namespace

common::Result<MessageSummary> parseMessageFile(const std::string& path, uint64_t offset, bool withHtml) {
  using R = common::Result<MessageSummary>;
  try {
    MappedFile file(path);
    if (!file.error().empty()) return R::error("parsing message: " + file.error());
    const std::string_view all = file.bytes();
    if (offset > all.size()) return R::error("parsing message: the file is shorter than its header");
    const std::string_view raw = all.substr(offset);
    if (raw.empty()) return R::error("parsing message: empty message");
    if (raw.size() > kMaxMessageBytes) return parseMessage(raw, withHtml);  // the same refusal, worded once
    // The scan walks the whole message once; what it has passed (a MiB behind) leaves memory.
    const detail::ParseView view = detail::makeParseView(raw, [&file, offset](size_t passed) {
      if (passed > kReleaseLagBytes) file.release(offset + passed - kReleaseLagBytes);
    });
    file.release(all.size());
    // Limits hit: what GMime may see is a rewritten copy (hostile input, never the common case).
    if (view.changed) return parseMessage(raw, withHtml);
    const int fd = ::fcntl(file.fd(), F_DUPFD_CLOEXEC, 0);
    if (fd < 0) return R::error(std::string("parsing message: dup: ") + std::strerror(errno));
    // The stream owns the duplicate and closes it; its bounds start after the spool header.
    detail::GObjectPtr<GMimeStream> stream(
        g_mime_stream_fs_new_with_bounds(fd, static_cast<gint64>(offset), static_cast<gint64>(all.size())));
    detail::MessagePtr parsed = detail::parseMimeStream(stream.get(), detail::Headerless::kTreatAsBody);
    if (!parsed) return R::error("parsing message: not a MIME message");
    return finish(summarise(parsed.get(), withHtml), view);
  } catch (const std::exception& e) {  // std::bad_alloc from our own containers
    return R::error(std::string("parsing message: ") + e.what());
  }
}

common::Result<MessageSummary> parseMessage(std::string_view raw, bool withHtml) {
  try {
    detail::ParseView view = detail::makeParseView(raw);
    auto parsed = detail::parseMime(view.bytes(raw), detail::Headerless::kTreatAsBody);
    if (!parsed) return parsed.status().withContext("parsing message");
    return finish(summarise(parsed->get(), withHtml), view);
  } catch (const std::exception& e) {  // std::bad_alloc from our own containers
    return common::Result<MessageSummary>::error(std::string("parsing message: ") + e.what());
  }
}

}  // namespace mg::mime
