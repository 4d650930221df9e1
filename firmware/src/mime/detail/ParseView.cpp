#include "mime/detail/ParseView.h"

#include <algorithm>

#include "common/Text.h"
#include "mime/Limits.h"

namespace mg::mime::detail {
namespace {

constexpr size_t kNpos = std::string_view::npos;
constexpr size_t kMaxBoundaryBytes = 200;      // RFC 2046 says 70; anything far longer is junk
constexpr size_t kMaxContentTypeBytes = 2048;  // what is kept of a Content-Type to read it

// A range of the raw bytes replaced by `with`, or (escapeNuls) copied with every NUL written
// as "\0": one edit per header field, however many NULs it holds, so that a message of NULs
// costs no more than its own size.
struct Edit {
  size_t from;
  size_t to;
  std::string with;
  bool escapeNuls = false;
};

struct Frame {
  std::string boundary;
  size_t childDepth;  // depth of the parts this multipart contains
};

using common::trim;
std::string lower(std::string_view s) { return common::toLower(s); }

// The boundary parameter of an (unfolded) Content-Type value, or "".
std::string boundaryOf(std::string_view value) {
  const std::string low = lower(value);
  for (size_t at = low.find("boundary"); at != kNpos; at = low.find("boundary", at + 1)) {
    if (at > 0 && low[at - 1] != ';' && low[at - 1] != ' ' && low[at - 1] != '\t') continue;
    size_t i = at + 8;
    while (i < low.size() && (low[i] == ' ' || low[i] == '\t')) ++i;
    if (i >= low.size() || low[i] != '=') continue;
    ++i;
    while (i < low.size() && (low[i] == ' ' || low[i] == '\t')) ++i;
    std::string b;
    if (i < value.size() && value[i] == '"') {
      for (++i; i < value.size() && value[i] != '"'; ++i) {
        if (value[i] == '\\' && i + 1 < value.size()) ++i;
        b += value[i];
      }
    } else {
      while (i < value.size() && value[i] != ';' && value[i] != ' ' && value[i] != '\t') b += value[i++];
    }
    return b.size() <= kMaxBoundaryBytes ? b : std::string();
  }
  return {};
}

constexpr size_t kReportEveryBytes = 1024 * 1024;

class Scanner {
 public:
  Scanner(std::string_view raw, const std::function<void(size_t)>& passed) : raw_(raw), passed_(passed) {}
  ParseView run();

 private:
  enum class Mode { Headers, Body, Skip };

  // The line at `pos`: its text ends at `end` (CR of a CRLF excluded), the next starts at `next`.
  void line(size_t pos, size_t& end, size_t& next) const;
  size_t scanHeaders(size_t pos);  // returns where the body starts; sets contentType_
  void finishField();
  void enterEntityBody(size_t bodyStart);
  // A "--" line: true when it delimits a part of a frame on the stack (handled here).
  bool onDelimiter(size_t lineStart, size_t lineEnd, size_t next);
  void cutRest(size_t at);

  std::string_view raw_;
  const std::function<void(size_t)>& passed_;
  size_t reported_ = 0;
  std::vector<Edit> edits_;
  std::vector<Frame> frames_;
  std::vector<std::string> notes_;
  Mode mode_ = Mode::Headers;
  size_t entityDepth_ = 0;
  size_t parts_ = 0;
  size_t boundaryLike_ = 0;
  size_t skipFrom_ = 0;
  uint64_t hiddenDeep_ = 0;
  uint64_t hiddenPastLimit_ = 0;
  bool cut_ = false;
  // Header block state
  std::string contentType_;
  size_t fieldStart_ = kNpos, fieldEnd_ = 0, fieldNext_ = 0;
  size_t fields_ = 0, blockBytes_ = 0, dropFrom_ = kNpos, dropTo_ = 0;
  uint64_t fieldsCut_ = 0, fieldsDropped_ = 0;
};

void Scanner::line(size_t pos, size_t& end, size_t& next) const {
  const size_t lf = raw_.find('\n', pos);
  if (lf == kNpos) {
    end = next = raw_.size();
    return;
  }
  next = lf + 1;
  end = lf > pos && raw_[lf - 1] == '\r' ? lf - 1 : lf;
}

void Scanner::finishField() {
  if (fieldStart_ == kNpos) return;
  const size_t start = fieldStart_;
  fieldStart_ = kNpos;
  ++fields_;
  // A field over its own cap counts with what is kept of it: one huge Subject is cut, not
  // the reason every header after it disappears.
  blockBytes_ += std::min(fieldEnd_ - start, kMaxHeaderFieldBytes);
  if (dropFrom_ != kNpos || fields_ > kMaxHeaderFields || blockBytes_ > kMaxHeaderBlockBytes) {
    if (dropFrom_ == kNpos) dropFrom_ = start;
    dropTo_ = fieldNext_;
    ++fieldsDropped_;
    return;
  }
  size_t keepEnd = fieldEnd_;
  if (keepEnd - start > kMaxHeaderFieldBytes) {
    keepEnd = start + kMaxHeaderFieldBytes;
    while (keepEnd > start && (raw_[keepEnd - 1] == '\r' || raw_[keepEnd - 1] == '\n')) --keepEnd;
    edits_.push_back({keepEnd, fieldEnd_, ""});
    ++fieldsCut_;
  }
  // Looked for inside the field only: a search to the next NUL of the whole message would
  // make every field cost the rest of the message.
  if (raw_.substr(start, keepEnd - start).find('\0') != kNpos) edits_.push_back({start, keepEnd, "", true});
  if (contentType_.empty() && keepEnd - start >= 13 && common::istartsWith(raw_.substr(start, keepEnd - start), "content-type:")) {
    std::string value;
    for (size_t i = start + 13; i < keepEnd && value.size() < kMaxContentTypeBytes; ++i) {
      if (raw_[i] != '\r' && raw_[i] != '\n') value += raw_[i];  // unfolded
    }
    contentType_ = value.empty() ? std::string(" ") : value;
  }
}

size_t Scanner::scanHeaders(size_t pos) {
  contentType_.clear();
  fieldStart_ = kNpos;
  fields_ = blockBytes_ = 0;
  dropFrom_ = kNpos;
  size_t bodyStart = raw_.size();
  size_t fieldsSeenInBlock = 0;
  while (pos < raw_.size()) {
    size_t end = 0, next = 0;
    line(pos, end, next);
    if (end == pos) {  // the empty line
      bodyStart = next;
      break;
    }
    const char first = raw_[pos];
    if ((first == ' ' || first == '\t') && fieldStart_ != kNpos) {
      fieldEnd_ = end;
      fieldNext_ = next;
      pos = next;
      continue;
    }
    const std::string_view text = raw_.substr(pos, end - pos);
    const size_t colon = text.find(':');
    const bool looksLikeField = colon != kNpos && colon != 0 && trim(text.substr(0, colon)).find_first_of(" \t") == kNpos;
    // A first line that is no "Name:" field: no header block at all (GMime then reads the
    // input as body). Later, GMime reads on to the empty line whatever the lines look like,
    // so such a line counts as a field of its own here too (and against the field limits).
    if (!looksLikeField && fieldsSeenInBlock == 0) {
      bodyStart = pos;
      break;
    }
    ++fieldsSeenInBlock;
    finishField();
    fieldStart_ = pos;
    fieldEnd_ = end;
    fieldNext_ = next;
    pos = next;
  }
  finishField();
  if (dropFrom_ != kNpos) edits_.push_back({dropFrom_, dropTo_, ""});
  return bodyStart;
}

void Scanner::enterEntityBody(size_t bodyStart) {
  const std::string_view value = trim(contentType_);
  const std::string type = lower(trim(value.substr(0, std::min(value.find(';'), value.size()))));
  if (type.rfind("multipart/", 0) == 0) {
    std::string boundary = boundaryOf(value);
    if (!boundary.empty()) {
      frames_.push_back({std::move(boundary), entityDepth_ + 1});
      mode_ = Mode::Body;
      return;
    }
  }
  if (type == "message/rfc822" || type == "message/global") {
    // GMime parses an attached message as a whole message: its parts count too.
    if (entityDepth_ + 1 > kMaxPartDepth) {
      mode_ = Mode::Skip;
      skipFrom_ = bodyStart;
      ++hiddenDeep_;
      return;
    }
    ++parts_;
    if (parts_ > kMaxParts) {
      cutRest(bodyStart);
      return;
    }
    ++entityDepth_;
    mode_ = Mode::Headers;
    return;
  }
  mode_ = Mode::Body;
}

bool Scanner::onDelimiter(size_t lineStart, size_t lineEnd, size_t next) {
  const std::string_view text = raw_.substr(lineStart + 2, lineEnd - lineStart - 2);
  for (size_t i = frames_.size(); i-- > 0;) {
    const std::string& b = frames_[i].boundary;
    if (text.compare(0, b.size(), b) != 0) continue;
    if (mode_ == Mode::Skip) edits_.push_back({skipFrom_, lineStart, ""});
    frames_.resize(i + 1);
    if (text.substr(b.size()).rfind("--", 0) == 0) {  // the close delimiter
      frames_.pop_back();
      mode_ = Mode::Body;  // the epilogue, read as body of the enclosing entity
      return true;
    }
    const size_t depth = frames_[i].childDepth;
    if (depth > kMaxPartDepth) {
      mode_ = Mode::Skip;
      skipFrom_ = lineStart;
      ++hiddenDeep_;
      return true;
    }
    if (++parts_ > kMaxParts) {
      cutRest(lineStart);
      return true;
    }
    entityDepth_ = depth;
    mode_ = Mode::Headers;
    (void)next;
    return true;
  }
  return false;
}

void Scanner::cutRest(size_t at) {
  // Everything from here on is left out; count what it held as well as a cheap look can.
  for (size_t pos = at; pos < raw_.size();) {
    size_t end = 0, next = 0;
    line(pos, end, next);
    if (end - pos > 2 && raw_[pos] == '-' && raw_[pos + 1] == '-') {
      const std::string_view text = raw_.substr(pos + 2, end - pos - 2);
      for (const Frame& f : frames_) {
        if (text.compare(0, f.boundary.size(), f.boundary) == 0 && text.substr(f.boundary.size()).rfind("--", 0) != 0) {
          ++hiddenPastLimit_;
          break;
        }
      }
    }
    pos = next;
  }
  if (hiddenPastLimit_ == 0) hiddenPastLimit_ = 1;
  edits_.push_back({at, raw_.size(), ""});
  cut_ = true;
}

ParseView Scanner::run() {
  size_t pos = 0;
  while (pos < raw_.size() && !cut_) {
    if (mode_ == Mode::Headers) {
      const size_t bodyStart = scanHeaders(pos);
      pos = bodyStart;
      enterEntityBody(bodyStart);
      continue;
    }
    size_t end = 0, next = 0;
    line(pos, end, next);
    if (end - pos >= 2 && raw_[pos] == '-' && raw_[pos + 1] == '-') {
      if (++boundaryLike_ > kMaxBoundaryLikeLines) {
        if (mode_ == Mode::Skip) edits_.push_back({skipFrom_, pos, ""});
        mode_ = Mode::Body;
        notes_.push_back("more than " + std::to_string(kMaxBoundaryLikeLines) + " lines start with \"--\"; the last " +
                         std::to_string(raw_.size() - pos) + " bytes are not shown");
        edits_.push_back({pos, raw_.size(), ""});
        cut_ = true;
        break;
      }
      if (!frames_.empty()) onDelimiter(pos, end, next);
    }
    pos = next;
    if (passed_ && pos - reported_ >= kReportEveryBytes) {
      passed_(pos);
      reported_ = pos;
    }
  }
  if (mode_ == Mode::Skip && !cut_) edits_.push_back({skipFrom_, raw_.size(), ""});

  ParseView view;
  view.hiddenParts = hiddenDeep_ + hiddenPastLimit_;
  view.structureCut = view.hiddenParts > 0 || cut_;
  if (hiddenDeep_ > 0) {
    notes_.insert(notes_.begin(), std::to_string(hiddenDeep_) + (hiddenDeep_ == 1 ? " part" : " parts") +
                                      " nested deeper than " + std::to_string(kMaxPartDepth) +
                                      " levels not shown (any of them may be an attachment)");
  }
  if (hiddenPastLimit_ > 0) {
    notes_.insert(notes_.begin(), "only the first " + std::to_string(kMaxParts) + " MIME parts are shown; " +
                                      std::to_string(hiddenPastLimit_) + " more not shown");
  }
  if (fieldsCut_ > 0) {
    notes_.push_back(std::to_string(fieldsCut_) + " header field(s) longer than " +
                     std::to_string(kMaxHeaderFieldBytes) + " bytes shown cut");
  }
  if (fieldsDropped_ > 0) {
    notes_.push_back(std::to_string(fieldsDropped_) + " header field(s) beyond the first " +
                     std::to_string(kMaxHeaderFields) + " (or " + std::to_string(kMaxHeaderBlockBytes / 1024) +
                     " KiB) of a header block not shown");
  }
  view.notes = std::move(notes_);
  if (edits_.empty()) return view;

  std::sort(edits_.begin(), edits_.end(), [](const Edit& a, const Edit& b) { return a.from < b.from; });
  view.changed = true;
  size_t at = 0;
  for (const Edit& e : edits_) {
    if (e.from < at) continue;  // inside a range already left out
    view.edited.append(raw_.substr(at, e.from - at));
    if (e.escapeNuls) {
      for (size_t i = e.from; i < e.to; ++i) {
        if (raw_[i] == '\0') {
          view.edited.append("\\0");
        } else {
          view.edited.push_back(raw_[i]);
        }
      }
    } else {
      view.edited.append(e.with);
    }
    at = std::max(at, e.to);
  }
  if (at < raw_.size()) view.edited.append(raw_.substr(at));
  return view;
}

}  // namespace

ParseView makeParseView(std::string_view raw, const std::function<void(size_t)>& passed) {
  return Scanner(raw, passed).run();
}

}  // namespace mg::mime::detail
