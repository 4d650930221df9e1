// SmtpSession, continued: DATA (RFC 5321 §4.1.1.4, §4.5.2) — the message lines, the limits
// checked while reading, and the hand-over to the delegate whose reply is sent as it is.
#include "smtp/SmtpSession.h"

#include <exception>

#include "common/Log.h"
#include "common/Text.h"
#include "smtp/SmtpReply.h"

namespace mg::smtp {
namespace {

Poco::Logger& log() { return common::logger("smtp"); }

std::string defaultMetricResult(AcceptResult::Kind kind) {
  switch (kind) {
    case AcceptResult::Kind::Accepted: return "held";
    case AcceptResult::Kind::TempFail: return "tempfail";
    case AcceptResult::Kind::Reject: return "rejected";
  }
  return "tempfail";
}

}  // namespace

std::string Envelope::protocol() const {
  if (!extended) return "SMTP";
  std::string p = smtpUtf8 ? "UTF8SMTP" : "ESMTP";
  if (tls) p += "S";
  if (!authUser.empty()) p += "A";
  return p;
}

bool SmtpSession::checkData(const SmtpCommand& cmd) {
  if (state_ == SmtpState::Connected || state_ == SmtpState::Greeted) {
    reply(503, "5.5.1", "Error: need MAIL command");
    return false;
  }
  if (state_ == SmtpState::Mail) {
    // RFC 2920 §3.1: with every RCPT refused, a pipelined DATA gets 554, not 354.
    reply(554, "5.5.1", "Error: no valid recipients");
    return false;
  }
  return checkNoArgument(cmd);
}

void SmtpSession::proceedData() {
  envelope_.tls = tls_;
  try {
    sink_ = delegate_.openMessage(envelope_);
  } catch (const std::exception& e) {
    log().error("smtp delegate failed to open a message: %s", std::string(e.what()));
    sink_.reset();
  }
  if (!sink_) {
    // Nothing read yet: the client keeps the message and tries again (RFC 5321 §4.2.5).
    countMessage("tempfail");
    reply(451, "4.3.0", "Cannot store a message now; try again later");
    return;
  }
  receiver_.start(sink_.get());
  enterState(SmtpState::Data);
  send(SmtpReply::line(354, "", "End data with <CR><LF>.<CR><LF>"));
}

void SmtpSession::onDataLine(std::string_view line, bool tooLong, bool crlf) {
  switch (receiver_.addLine(line, tooLong, crlf)) {
    case MessageReceiver::Verdict::More: return;
    case MessageReceiver::Verdict::End: finishMessage(); return;
    case MessageReceiver::Verdict::BareNewline: refuseBareNewline(crlf); return;
  }
}

// Postfix >= 3.9 (smtpd_forbid_bare_newline = normal) answers this way and hangs up: after a
// bare line end nobody can say where the client thinks the message ends, so nothing it sends
// afterwards may be read as a command (that is how a second, forged transaction gets in).
void SmtpSession::refuseBareNewline(bool crlf) {
  const uint64_t size = receiver_.size();
  const std::string what = crlf ? "bare <CR>" : "bare <LF>";
  const std::string text = options_.hostname + " Error: " + what +
                           " received in DATA; lines must end in <CR><LF> (RFC 5321 2.3.8, smtp.bare_newline)";
  countMessage("rejected");
  logTransaction(size, "rejected", "521 5.5.2 " + text);
  resetTransaction();
  closeWith(521, "5.5.2", text);
}

void SmtpSession::finishMessage() {
  const uint64_t size = receiver_.size();
  std::string replyLine;
  std::string result = "rejected";
  if (receiver_.sizeExceeded()) {
    replyLine = "552 5.3.4 Message size exceeds fixed maximum message size";
  } else if (receiver_.tooManyHops()) {
    // RFC 5321 §6.3: a message with this many trace headers is looping; refuse it for good.
    replyLine = "554 5.4.6 Too many hops: " + std::to_string(receiver_.receivedHeaders()) +
                " Received: headers (mail loop?), at most " + std::to_string(options_.maxReceived);
  } else if (receiver_.lineTooLong()) {
    // 552 rather than 500: RFC 5321 §4.3.2 lists 552/554/45x as the replies to the end of
    // DATA, and the line limit is a size limit of the transport.
    replyLine = "552 5.5.2 Message has a line longer than " + std::to_string(options_.maxLineBytes) + " bytes";
  } else {
    receiver_.finish();
    AcceptResult r;
    try {
      r = delegate_.acceptMessage(envelope_, *sink_);
    } catch (const std::exception& e) {
      log().error("smtp delegate failed to accept a message: %s", std::string(e.what()));
      r = AcceptResult{};
    } catch (...) {
      r = AcceptResult{};
    }
    if (!isWellFormedReplyLine(r.reply)) {
      if (!r.reply.empty()) log().error("smtp delegate gave a malformed reply: %s", common::sanitize(r.reply));
      r.kind = AcceptResult::Kind::TempFail;
      r.reply = "451 4.3.0 Temporary failure, please try again later";
      r.metricResult = "tempfail";
    }
    replyLine = r.reply;
    result = r.metricResult.empty() ? defaultMetricResult(r.kind) : r.metricResult;
  }
  countMessage(result);
  logTransaction(size, result, replyLine);
  resetTransaction();
  enterState(SmtpState::Greeted);
  send(SmtpReply::wire(replyLine));
}

}  // namespace mg::smtp
