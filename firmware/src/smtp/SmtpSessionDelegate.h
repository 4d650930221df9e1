#pragma once
// How a session talks to its owner (the app wires it to spool + store + rules). The smtp
// module knows nothing of storage: it writes the message into the sink the delegate gives it,
// hands over the envelope and that sink, and sends back exactly the reply it is given. One delegate serves every session of a server, from the
// server's worker threads at once: implementations must be thread-safe.
#include <memory>
#include <string>
#include <vector>

#include "smtp/MessageSink.h"

namespace mg::smtp {

struct Envelope {
  std::string heloName;       // as the client sent it (not sanitised)
  std::string clientAddress;  // "192.0.2.7:51234"
  std::string clientHost;     // "192.0.2.7": what per-client limits count by
  std::string authUser;       // empty when not authenticated
  std::string mailFrom;       // "" for the null sender <>
  std::vector<std::string> rcptTo;
  bool eightBitMime = false;  // MAIL ... BODY=8BITMIME
  bool smtpUtf8 = false;      // MAIL ... SMTPUTF8: UTF-8 addresses and headers (RFC 6531)
  bool extended = false;      // EHLO (not HELO) was used
  bool tls = false;           // STARTTLS was completed

  // The "with" protocol of the trace header (RFC 3848, RFC 6531 §3.7.3): ESMTP, ESMTPS,
  // ESMTPSA, UTF8SMTPSA, ..., or SMTP after HELO.
  std::string protocol() const;
};

struct AcceptResult {
  enum class Kind { Accepted, TempFail, Reject };
  Kind kind = Kind::TempFail;
  std::string reply;         // one full reply line without CRLF, e.g. "250 2.0.0 Ok: held as 42"
  std::string metricResult;  // "held" | "relayed" | "tempfail" | "rejected"
};

enum class AuthVerdict {
  Accepted,   // 235
  Rejected,   // 535: wrong user or password
  Throttled,  // 454 and the session is closed: too many failures for this user or address
  Busy,       // 454: the password could not be checked now (every check slot taken)
};

class SmtpSessionDelegate {
 public:
  virtual ~SmtpSessionDelegate() = default;
  virtual bool diskHasRoom() = 0;  // false → MAIL gets 452 4.3.1
  // `clientHost` is the client's address without the port (for per-address throttling).
  virtual AuthVerdict authenticate(const std::string& user, const std::string& password,
                                   const std::string& clientHost) = 0;
  // At DATA, before 354: where the message is to go. nullptr (the spool cannot take it now)
  // makes DATA answer 451 and nothing is read.
  virtual std::unique_ptr<MessageSink> openMessage(const Envelope& env) = 0;
  // At the end dot, with the sink openMessage gave for this message, now holding all of it.
  // Return only once the message is durable when the kind is Accepted: the session sends
  // `reply` as it is. A message refused by the session's limits is never handed over: its
  // sink is dropped instead.
  virtual AcceptResult acceptMessage(const Envelope& env, MessageSink& message) = 0;
};

// A delegate whose messages are strings (tests, fuzzers): implement acceptRaw.
class BufferingDelegate : public SmtpSessionDelegate {
 public:
  std::unique_ptr<MessageSink> openMessage(const Envelope&) final { return std::make_unique<MemorySink>(); }
  AcceptResult acceptMessage(const Envelope& env, MessageSink& message) final {
    return acceptRaw(env, std::move(static_cast<MemorySink&>(message).data));
  }
  virtual AcceptResult acceptRaw(const Envelope& env, std::string raw) = 0;
};

}  // namespace mg::smtp
