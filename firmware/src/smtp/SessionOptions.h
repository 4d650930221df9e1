#pragma once
// The per-session knobs, taken from SmtpSettings by the server (or set by tests directly).
#include <cstddef>
#include <cstdint>
#include <string>

#include "smtp/MessageReceiver.h"

namespace mg::common {
struct SmtpSettings;
}

namespace mg::smtp {

struct SessionOptions {
  std::string hostname = "mailgate.local";
  std::string clientAddress;          // for the envelope and the log line
  std::string clientHost;             // the address without the port
  uint64_t maxMessageBytes = 26214400;
  unsigned maxRecipients = 100;
  size_t maxLineBytes = 1000;         // a DATA line, CRLF included (RFC 5321 §4.5.3.1.6)
  bool requireAuth = false;
  bool tlsAvailable = false;          // STARTTLS can be offered (the transport has a context)
  unsigned maxErrors = 10;            // negative replies before 421 and close
  BareNewline bareNewline = BareNewline::Reject;  // smtp.bare_newline
  unsigned maxReceived = 50;          // Received: headers before 554 5.4.6 (mail loop)

  MessageReceiver::Limits receiverLimits() const {
    return {maxMessageBytes, maxLineBytes, bareNewline, maxReceived};
  }

  static SessionOptions fromSettings(const common::SmtpSettings& settings, bool tlsAvailable);
};

}  // namespace mg::smtp
