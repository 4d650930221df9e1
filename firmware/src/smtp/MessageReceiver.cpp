#include "smtp/MessageReceiver.h"

namespace mg::smtp {

bool MessageReceiver::addLine(std::string_view line, bool tooLong) {
  if (!tooLong && line == ".") return true;
  // The limit is on the line as sent (stuffed), CRLF included: it is a transport limit.
  if ((tooLong || line.size() + 2 > maxLineBytes_) && !lineTooLong_) {
    lineTooLong_ = true;
    std::string().swap(raw_);  // the message will be refused: keep nothing of it
  }
  if (!line.empty() && line.front() == '.') line.remove_prefix(1);
  size_ += line.size() + 2;
  if (size_ > maxBytes_) {
    if (!sizeExceeded_) std::string().swap(raw_);  // give the memory back at once
    sizeExceeded_ = true;
  }
  if (!sizeExceeded_ && !lineTooLong_) {
    raw_.append(line);
    raw_.append("\r\n");
  }
  return false;
}

std::string MessageReceiver::take() {
  std::string out;
  out.swap(raw_);
  reset();
  return out;
}

void MessageReceiver::reset() {
  std::string().swap(raw_);
  size_ = 0;
  sizeExceeded_ = false;
  lineTooLong_ = false;
}

}  // namespace mg::smtp
