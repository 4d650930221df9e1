#pragma once
// What one SMTP transaction to one upstream came to. Plain data so that RelayPool can be
// tested with fake transports.
#include <string>

namespace mg::relay {

struct TransactionResult {
  enum class Kind { Delivered, Temporary, Permanent };
  Kind kind = Kind::Temporary;
  // The relay itself failed (connect, TLS, timeout, greeting, EHLO, AUTH, 421, broken reply),
  // as opposed to refusing this one message. Only these count against the relay's circuit
  // and mark it down: a 550 for an unknown recipient says nothing about the relay's health.
  bool relayFault = false;
  std::string reply;   // on success: the reply to the end of DATA, "250 2.0.0 Ok: queued as 4F2A"
  std::string reason;  // on failure: "upstream primary: RCPT TO:<x@y>: 550 5.1.1 user unknown"

  bool delivered() const { return kind == Kind::Delivered; }
  static std::string toString(Kind k) {
    switch (k) {
      case Kind::Delivered: return "delivered";
      case Kind::Temporary: return "temporary";
      case Kind::Permanent: return "permanent";
    }
    return "unknown";
  }
};

}  // namespace mg::relay
