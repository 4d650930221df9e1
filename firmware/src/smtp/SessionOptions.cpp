#include "smtp/SessionOptions.h"

#include "common/Settings.h"

namespace mg::smtp {

SessionOptions SessionOptions::fromSettings(const common::SmtpSettings& settings, bool tlsAvailable) {
  SessionOptions o;
  o.hostname = settings.hostname;
  o.maxMessageBytes = settings.maxMessageBytes;
  o.maxRecipients = settings.maxRecipients;
  // 0 would make every DATA line "too long"; RFC 5321's 1000 is the floor anyone expects.
  o.maxLineBytes = settings.maxLineBytes == 0 ? 1000 : settings.maxLineBytes;
  o.requireAuth = settings.requireAuth;
  o.tlsAvailable = tlsAvailable;
  o.bareNewline = settings.bareNewline == "normalize" ? BareNewline::Normalize : BareNewline::Reject;
  return o;
}

}  // namespace mg::smtp
