#include "smtp/LineReader.h"

#include <algorithm>

namespace mg::smtp {

std::optional<LineReader::Line> LineReader::next(size_t limit) {
  const size_t maxText = limit > 2 ? limit - 2 : 0;
  const size_t lf = buffer_.find('\n', pos_);
  if (lf == std::string::npos) {
    const size_t pending = buffer_.size() - pos_;
    // More than the text limit plus a possible CR without an LF: it can only be too long.
    if (pending > maxText + 1) {
      if (!discarding_) cut_ = buffer_.substr(pos_, maxText);
      discarding_ = true;
      lastDroppedCr_ = buffer_.back() == '\r';
      pos_ = buffer_.size();
    }
    compact();
    return std::nullopt;
  }
  Line line;
  if (discarding_) {
    line.text.swap(cut_);
    line.tooLong = true;
    line.crlf = lf > pos_ ? buffer_[lf - 1] == '\r' : lastDroppedCr_;
    discarding_ = false;
  } else {
    size_t end = lf;
    line.crlf = end > pos_ && buffer_[end - 1] == '\r';
    if (line.crlf) --end;
    line.text = buffer_.substr(pos_, end - pos_);
    if (line.text.size() > maxText) {
      line.text.resize(maxText);
      line.tooLong = true;
    }
  }
  pos_ = lf + 1;
  compact();
  return line;
}

void LineReader::clear() {
  buffer_.clear();
  pos_ = 0;
  discarding_ = false;
  lastDroppedCr_ = false;
  cut_.clear();
}

void LineReader::compact() {
  // Moving the tail down only when the consumed head dominates keeps this linear overall.
  if (pos_ == buffer_.size()) {
    buffer_.clear();
    pos_ = 0;
  } else if (pos_ > 4096 && pos_ * 2 > buffer_.size()) {
    buffer_.erase(0, pos_);
    pos_ = 0;
  }
}

}  // namespace mg::smtp
