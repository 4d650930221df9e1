#include "smtp/MessageReceiver.h"

#include "common/Text.h"

namespace mg::smtp {

MessageReceiver::Verdict MessageReceiver::addLine(std::string_view line, bool tooLong, bool crlf) {
  if (!tooLong && crlf && afterCrlf_ && line == ".") return Verdict::End;
  const bool bareCr = line.find('\r') != std::string_view::npos;
  if ((bareCr || !crlf) && limits_.bareNewline == BareNewline::Reject) return Verdict::BareNewline;

  const bool dotAtLineStart = afterCrlf_ || limits_.bareNewline == BareNewline::Normalize;
  afterCrlf_ = crlf;
  // The limit is on the line as sent (stuffed), CRLF included: it is a transport limit.
  if ((tooLong || line.size() + 2 > limits_.maxLineBytes) && !lineTooLong_) {
    lineTooLong_ = true;
    refuse();
  }
  // A lone "." that did not end DATA (it followed or ended in a bare LF) is content: kept.
  if (dotAtLineStart && line.size() > 1 && line.front() == '.') line.remove_prefix(1);
  // Normalise: every bare CR is a line end, stored as CRLF.
  size_t start = 0;
  for (size_t cr = line.find('\r'); cr != std::string_view::npos; cr = line.find('\r', start)) {
    store(line.substr(start, cr - start));
    start = cr + 1;
  }
  store(line.substr(start));
  return Verdict::More;
}

void MessageReceiver::store(std::string_view text) {
  if (inHeaders_) noteHeader(text);
  size_ += text.size() + 2;
  if (size_ > limits_.maxBytes && !sizeExceeded_) {
    sizeExceeded_ = true;
    refuse();
  }
  if (!sizeExceeded_ && !lineTooLong_ && sink_ != nullptr) {
    chunk_.append(text);
    chunk_.append("\r\n");
    if (chunk_.size() >= kChunkBytes) flush();
  }
}

void MessageReceiver::flush() {
  if (sink_ != nullptr && !chunk_.empty()) sink_->write(chunk_);
  chunk_.clear();  // the capacity stays: the next chunk reuses it
}

// The message will be refused: keep nothing of it, and give the chunk's memory back at once.
void MessageReceiver::refuse() {
  sink_ = nullptr;
  std::string().swap(chunk_);
}

void MessageReceiver::noteHeader(std::string_view text) {
  if (text.empty()) {
    inHeaders_ = false;
    return;
  }
  if (common::istartsWith(text, "received:")) ++receivedHeaders_;
}

void MessageReceiver::start(MessageSink* sink) {
  reset();
  sink_ = sink;
  chunk_.reserve(kChunkBytes + limits_.maxLineBytes + 2);
}

void MessageReceiver::finish() { flush(); }

void MessageReceiver::reset() {
  sink_ = nullptr;
  std::string().swap(chunk_);
  size_ = 0;
  sizeExceeded_ = false;
  lineTooLong_ = false;
  afterCrlf_ = true;
  inHeaders_ = true;
  receivedHeaders_ = 0;
}

}  // namespace mg::smtp
