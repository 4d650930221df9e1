#include "smtp/SmtpSession.h"

#include <exception>

#include "common/Log.h"
#include "common/Metrics.h"
#include "common/Text.h"
#include "smtp/SmtpReply.h"

namespace mg::smtp {
namespace {

Poco::Logger& log() { return common::logger("smtp"); }

}  // namespace

SmtpSession::SmtpSession(SessionOptions options, SmtpSessionDelegate& delegate, SmtpSessionOutput& output)
    : options_(std::move(options)),
      delegate_(delegate),
      output_(output),
      receiver_(options_.receiverLimits()) {
  envelope_.clientAddress = options_.clientAddress;
  envelope_.clientHost = options_.clientHost;
}

void SmtpSession::start() {
  try {
    send(SmtpReply::line(220, "", options_.hostname + " ESMTP mailgate"));
  } catch (...) {
    state_ = SmtpState::Closed;  // the transport failed: nothing more can be said
  }
}

bool SmtpSession::inTransaction() const {
  return state_ == SmtpState::Mail || state_ == SmtpState::Rcpt || state_ == SmtpState::Data;
}

size_t SmtpSession::lineLimit() const {
  return state_ == SmtpState::Data ? options_.maxLineBytes : kMaxCommandLine;
}

template <typename Handler>
void SmtpSession::guarded(std::string_view what, Handler&& handler) {
  const char* error = "unknown exception";
  try {
    handler();
    return;
  } catch (const std::exception& e) {
    error = e.what();
  } catch (...) {
  }
  log().error("smtp session: internal error in %s client=%s: %s", std::string(what),
              common::sanitize(options_.clientAddress), std::string(error));
  try {
    closeWith(421, "4.3.0", options_.hostname + " Internal error, closing connection");
  } catch (...) {
    state_ = SmtpState::Closed;
  }
}

void SmtpSession::onLine(std::string_view line, bool tooLong, bool crlf) {
  switch (state_) {
    case SmtpState::Closed:
      return;
    case SmtpState::StartTls:
      // Plaintext sent after STARTTLS must not be read as commands of the TLS session
      // (CVE-2011-0411): it is dropped.
      return;
    case SmtpState::Data:
      guarded("data", [&] { onDataLine(line, tooLong, crlf); });
      return;
    case SmtpState::AuthPlain:
    case SmtpState::AuthLoginUser:
    case SmtpState::AuthLoginPass:
      guarded("auth", [&] { onAuthLine(line, tooLong); });
      return;
    case SmtpState::Connected:
    case SmtpState::Greeted:
    case SmtpState::Mail:
    case SmtpState::Rcpt:
      ++commandsSeen_;
      guarded("command", [&] { onCommand(line, tooLong); });
      return;
  }
}

void SmtpSession::onTlsStarted() {
  if (state_ != SmtpState::StartTls) return;
  // RFC 3207 §4.2: everything learnt before TLS is forgotten; the client must EHLO again.
  tls_ = true;
  helloSeen_ = false;
  pendingUser_.clear();
  envelope_ = Envelope{};
  envelope_.clientAddress = options_.clientAddress;
  envelope_.clientHost = options_.clientHost;
  receiver_.reset();
  sink_.reset();
  enterState(SmtpState::Connected);
}

void SmtpSession::onTimeout() {
  if (closed()) return;
  log().information("smtp session timeout client=%s state=%s", common::sanitize(options_.clientAddress),
                    std::string(toString(state_)));
  try {
    closeWith(421, "4.4.2", options_.hostname + " Error: timeout exceeded");
  } catch (...) {
    state_ = SmtpState::Closed;
  }
}

void SmtpSession::onShutdown() {
  if (closed()) return;
  try {
    closeWith(421, "4.3.2", options_.hostname + " Service shutting down, try again later");
  } catch (...) {
    state_ = SmtpState::Closed;
  }
}

void SmtpSession::onEvicted() {
  if (closed()) return;
  try {
    closeWith(421, "4.7.0", options_.hostname + " Error: all sessions are in use and yours sent nothing; try again later");
  } catch (...) {
    state_ = SmtpState::Closed;
  }
}

void SmtpSession::enterState(SmtpState next) {
  if (log().debug()) {
    log().debug("smtp state %s -> %s client=%s", std::string(toString(state_)), std::string(toString(next)),
                common::sanitize(options_.clientAddress));
  }
  state_ = next;
}

void SmtpSession::send(const std::string& wire) { output_.send(wire); }

void SmtpSession::reply(int code, std::string_view enhanced, std::string_view text) {
  send(SmtpReply::line(code, enhanced, text));
  // Only permanent errors count: a 452 for recipient 101 is the normal way to say "next
  // transaction", and a pipelining client may well get dozens of them.
  if (code >= 500 && options_.maxErrors > 0 && ++errors_ >= options_.maxErrors && !closed()) {
    closeWith(421, "4.7.0", options_.hostname + " Error: too many errors");
  }
}

void SmtpSession::closeWith(int code, std::string_view enhanced, std::string_view text) {
  send(SmtpReply::line(code, enhanced, text));
  enterState(SmtpState::Closed);
  output_.close();
}

void SmtpSession::resetTransaction() {
  envelope_.mailFrom.clear();
  envelope_.rcptTo.clear();
  envelope_.eightBitMime = false;
  envelope_.smtpUtf8 = false;
  receiver_.reset();
  sink_.reset();  // a message not handed over is dropped (the gate's temp file goes with it)
}

// A failed parse carries a whole reply line: "501 5.1.7 Bad sender address syntax: …".
void SmtpSession::replyParsed(const std::string& line) {
  const int code = line.size() >= 3 ? std::stoi(line.substr(0, 3)) : 500;
  const size_t sp1 = line.find(' ');
  const size_t sp2 = sp1 == std::string::npos ? std::string::npos : line.find(' ', sp1 + 1);
  if (sp2 == std::string::npos) {
    reply(code, "", sp1 == std::string::npos ? "" : line.substr(sp1 + 1));
    return;
  }
  reply(code, line.substr(sp1 + 1, sp2 - sp1 - 1), line.substr(sp2 + 1));
}

void SmtpSession::onCommand(std::string_view line, bool tooLong) {
  if (tooLong || line.size() + 2 > kMaxCommandLine) {
    reply(500, "5.5.2", "Error: line too long");
    return;
  }
  const std::string verb = commandVerb(line);
  SmtpCommand cmd;
  if (verb == "MAIL") {
    if (checkMail(line, cmd)) proceedMail(cmd);
    return;
  }
  if (verb == "RCPT") {
    if (checkRcpt(line, cmd)) proceedRcpt(cmd);
    return;
  }
  auto parsed = parseCommand(line);
  if (!parsed) {
    replyParsed(parsed.errorMessage());
    return;
  }
  cmd = std::move(parsed.value());
  logCommand(cmd);
  if (verb == "EHLO" || verb == "HELO") {
    if (checkHelo(cmd)) proceedHelo(cmd, verb == "EHLO");
  } else if (verb == "DATA") {
    if (checkData(cmd)) proceedData();
  } else if (verb == "RSET") {
    if (!checkNoArgument(cmd)) return;
    resetTransaction();
    enterState(helloSeen_ ? SmtpState::Greeted : SmtpState::Connected);
    reply(250, "2.0.0", "Ok");
  } else if (verb == "NOOP") {
    reply(250, "2.0.0", "Ok");
  } else if (verb == "QUIT") {
    closeWith(221, "2.0.0", "Bye");
  } else if (verb == "VRFY") {
    // RFC 5321 §3.5.3/§4.5.1: VRFY belongs to the minimum implementation, and a server that
    // will not verify says 252 (not 502). The gate knows no mailboxes, so it never verifies.
    if (cmd.argument.empty()) {
      reply(501, "5.5.4", "Syntax: VRFY address");
    } else {
      reply(252, "2.5.0", "Cannot VRFY user, but will accept message and attempt delivery");
    }
  } else if (verb == "EXPN") {
    reply(502, "5.5.1", "Error: EXPN not implemented");
  } else if (verb == "HELP") {
    send(SmtpReply(214, "2.0.0", "Commands supported:")
             .add("EHLO HELO MAIL RCPT DATA RSET NOOP QUIT VRFY HELP STARTTLS AUTH")
             .format());
  } else if (verb == "STARTTLS") {
    if (checkStartTls(cmd)) proceedStartTls();
  } else if (verb == "AUTH") {
    if (checkAuth(cmd)) proceedAuth(cmd);
  } else {
    reply(500, "5.5.1", "Error: command not recognized");
  }
}

bool SmtpSession::checkNoArgument(const SmtpCommand& cmd) {
  if (cmd.argument.empty()) return true;
  reply(501, "5.5.4", "Syntax: " + cmd.verb + " takes no parameters");
  return false;
}

bool SmtpSession::checkHelo(const SmtpCommand& cmd) {
  if (!cmd.argument.empty()) return true;
  reply(501, "5.5.4", "Syntax: " + cmd.verb + " hostname");
  return false;
}

void SmtpSession::proceedHelo(const SmtpCommand& cmd, bool extended) {
  resetTransaction();  // RFC 5321 §4.1.4: a new EHLO acts as RSET
  envelope_.heloName = cmd.argument;
  envelope_.extended = extended;
  helloSeen_ = true;
  enterState(SmtpState::Greeted);
  if (!extended) {
    send(SmtpReply::line(250, "", options_.hostname));
    return;
  }
  SmtpReply r(250, "", options_.hostname);
  r.add("PIPELINING").add("SIZE " + std::to_string(options_.maxMessageBytes)).add("8BITMIME");
  r.add("ENHANCEDSTATUSCODES").add("SMTPUTF8");
  if (options_.tlsAvailable && !tls_) r.add("STARTTLS");
  if (tls_) r.add("AUTH PLAIN LOGIN");  // never offered in the clear
  send(r.format());
}

bool SmtpSession::checkMail(std::string_view line, SmtpCommand& cmd) {
  if (state_ == SmtpState::Connected) {
    reply(503, "5.5.1", "Error: send HELO/EHLO first");
    return false;
  }
  if (state_ != SmtpState::Greeted) {
    reply(503, "5.5.1", "Error: nested MAIL command");
    return false;
  }
  if (options_.requireAuth && envelope_.authUser.empty()) {
    reply(530, "5.7.0", "Authentication required");
    return false;
  }
  auto parsed = parseCommand(line);
  if (!parsed) {
    replyParsed(parsed.errorMessage());
    return false;
  }
  cmd = std::move(parsed.value());
  logCommand(cmd);
  if (cmd.utf8Path && !cmd.smtpUtf8) {
    reply(553, "5.6.7", "Non-ASCII sender address needs the SMTPUTF8 parameter (RFC 6531)");
    return false;
  }
  if (cmd.size && *cmd.size > options_.maxMessageBytes) {
    reply(552, "5.3.4", "Message size exceeds fixed maximum message size");
    return false;
  }
  bool room = false;
  try {
    room = delegate_.diskHasRoom();
  } catch (...) {
    room = false;  // cannot tell: a temporary failure is the safe answer
  }
  if (!room) {
    reply(452, "4.3.1", "Insufficient system storage");
    return false;
  }
  return true;
}

void SmtpSession::proceedMail(const SmtpCommand& cmd) {
  envelope_.mailFrom = cmd.path;
  envelope_.eightBitMime = cmd.body == BodyType::EightBitMime;
  envelope_.smtpUtf8 = cmd.smtpUtf8;
  enterState(SmtpState::Mail);
  reply(250, "2.1.0", "Ok");
}

bool SmtpSession::checkRcpt(std::string_view line, SmtpCommand& cmd) {
  if (state_ != SmtpState::Mail && state_ != SmtpState::Rcpt) {
    reply(503, "5.5.1", "Error: need MAIL command");
    return false;
  }
  auto parsed = parseCommand(line);
  if (!parsed) {
    replyParsed(parsed.errorMessage());
    return false;
  }
  cmd = std::move(parsed.value());
  logCommand(cmd);
  if (cmd.utf8Path && !envelope_.smtpUtf8) {
    reply(553, "5.6.7", "Non-ASCII recipient address needs SMTPUTF8 on MAIL FROM (RFC 6531)");
    return false;
  }
  if (envelope_.rcptTo.size() >= options_.maxRecipients) {
    reply(452, "4.5.3", "Error: too many recipients");
    return false;
  }
  return true;
}

void SmtpSession::proceedRcpt(const SmtpCommand& cmd) {
  envelope_.rcptTo.push_back(cmd.path);
  enterState(SmtpState::Rcpt);
  reply(250, "2.1.5", "Ok");
}

void SmtpSession::logCommand(const SmtpCommand& cmd) const {
  if (!log().debug()) return;
  // AUTH responses and initial responses are credentials: never logged (DESIGN §3).
  const std::string arg = cmd.verb == "AUTH" ? "********" : common::sanitize(cmd.argument);
  log().debug("smtp command client=%s %s %s", common::sanitize(options_.clientAddress), cmd.verb, arg);
}

void SmtpSession::logTransaction(uint64_t size, const std::string& result, const std::string& replyLine) const {
  std::string text = "client=" + common::sanitize(envelope_.clientAddress);
  text += " helo=" + common::sanitize(envelope_.heloName);
  text += std::string(" tls=") + (tls_ ? "yes" : "no");
  text += " auth=" + (envelope_.authUser.empty() ? std::string("-") : common::sanitize(envelope_.authUser));
  text += " from=<" + common::sanitize(envelope_.mailFrom) + ">";
  text += " rcpt=" + std::to_string(envelope_.rcptTo.size());
  text += " size=" + std::to_string(size);
  text += " result=" + result;
  text += " reply=\"" + common::sanitize(replyLine) + "\"";
  common::logEvent(log(), Poco::Message::PRIO_INFORMATION, common::LogFields{"smtp", 0, ""}, text);
}

void SmtpSession::countMessage(const std::string& result) const {
  common::Metrics::global().increment("mailgate_smtp_messages_total", {{"result", result}});
}

}  // namespace mg::smtp
