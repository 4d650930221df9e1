#pragma once
// `mailgatectl show ID`: what an operator needs to decide release or discard — who sent it to
// whom (headers and envelope, which can differ), what is attached, and the text.
#include <cstdint>
#include <string>

#include "ctl/ApiJson.h"

namespace mg::ctl {

class MessageView {
 public:
  static std::string format(const MessageDetail& message, int64_t nowMillis);
};

}  // namespace mg::ctl
