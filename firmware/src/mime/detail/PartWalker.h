#pragma once
// Walking a message's MIME tree. Parser and editor must agree on which part is "the text
// body", so that choice is made here, once.
#include <gmime/gmime.h>

#include <functional>

namespace mg::mime::detail {

// Deeper nesting than mime::kMaxPartDepth never reaches GMime (ParseView leaves it out and
// says so); the walk still stops there, so no input can exhaust the stack.

// Visits every leaf in document order: GMimePart leaves and embedded message/rfc822 parts
// (not descended into: an attached message's text is not this message's body).
struct PartVisitor {
  std::function<void(GMimePart*)> onPart;
  std::function<void(GMimeMessagePart*)> onMessagePart;
};
void forEachLeaf(GMimeMessage* message, const PartVisitor& visitor);

// True for a part shown to the reader as an attachment rather than as body: an
// "attachment" disposition or a file name.
bool isAttachment(GMimePart* part);
bool isType(GMimePart* part, const char* type, const char* subtype);

// The first text/plain part that is not an attachment, or nullptr.
GMimePart* findBodyTextPart(GMimeMessage* message);

}  // namespace mg::mime::detail
