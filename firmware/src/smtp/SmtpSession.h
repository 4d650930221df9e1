#pragma once
// One SMTP session as a pure state machine (no sockets, no threads): lines in, replies and
// transport requests out. Modelled on OpenSMTPD's smtp_session.c: every transition goes
// through enterState(), every command is a check…() that validates and replies on failure and
// a proceed…() that acts. Nothing thrown inside (delegate included) escapes a public method:
// a protocol error becomes a reply, an internal one a 421 and a close.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "smtp/MessageReceiver.h"
#include "smtp/SessionOptions.h"
#include "smtp/SmtpCommand.h"
#include "smtp/SmtpSessionDelegate.h"
#include "smtp/SmtpSessionOutput.h"
#include "smtp/SmtpState.h"

namespace mg::smtp {

class SmtpSession {
 public:
  SmtpSession(SessionOptions options, SmtpSessionDelegate& delegate, SmtpSessionOutput& output);

  void start();  // sends the 220 greeting
  // One input line without its line end; the meaning depends on the state (command, DATA
  // line, SASL response). `tooLong`: the transport cut the line at lineLimit(); `crlf`: it
  // ended in CRLF, not a bare LF (commands take either; DATA does not).
  void onLine(std::string_view line, bool tooLong = false, bool crlf = true);
  void onTlsStarted();  // handshake done: the session starts afresh (RFC 3207 §4.2)
  void onTimeout();     // 421 4.4.2 and close
  void onShutdown();    // the server stops: 421 4.3.2 and close
  void onEvicted();     // its slot goes to another host (it was silent): 421 4.7.0 and close

  SmtpState state() const { return state_; }
  bool closed() const { return state_ == SmtpState::Closed; }
  bool tlsActive() const { return tls_; }
  bool inTransaction() const;  // MAIL given: a graceful stop lets it finish
  bool inData() const { return state_ == SmtpState::Data; }
  unsigned commandsSeen() const { return commandsSeen_; }  // command lines read so far
  // The longest line (line end included) the transport should pass for the next input.
  size_t lineLimit() const;
  const Envelope& envelope() const { return envelope_; }

 private:
  void enterState(SmtpState next);
  // Sends a reply; 5xx replies to commands count towards maxErrors.
  void reply(int code, std::string_view enhanced, std::string_view text);
  void send(const std::string& wire);
  void replyParsed(const std::string& line);
  void closeWith(int code, std::string_view enhanced, std::string_view text);
  void resetTransaction();
  // Runs one input handler; an exception becomes 421 and a close, never an escape.
  template <typename Handler>
  void guarded(std::string_view what, Handler&& handler);

  void onCommand(std::string_view line, bool tooLong);
  void onDataLine(std::string_view line, bool tooLong, bool crlf);
  void refuseBareNewline(bool crlf);
  void onAuthLine(std::string_view line, bool tooLong);

  bool checkHelo(const SmtpCommand& cmd);
  void proceedHelo(const SmtpCommand& cmd, bool extended);
  bool checkMail(std::string_view line, SmtpCommand& cmd);
  void proceedMail(const SmtpCommand& cmd);
  bool checkRcpt(std::string_view line, SmtpCommand& cmd);
  void proceedRcpt(const SmtpCommand& cmd);
  bool checkData(const SmtpCommand& cmd);
  void proceedData();
  void finishMessage();
  bool checkNoArgument(const SmtpCommand& cmd);
  bool checkStartTls(const SmtpCommand& cmd);
  void proceedStartTls();
  bool checkAuth(const SmtpCommand& cmd);
  void proceedAuth(const SmtpCommand& cmd);
  void finishAuth(const std::string& user, const std::string& password);
  void abortAuth(int code, std::string_view enhanced, std::string_view text);

  void logCommand(const SmtpCommand& cmd) const;
  void logTransaction(uint64_t size, const std::string& result, const std::string& replyLine) const;
  void countMessage(const std::string& result) const;

  SessionOptions options_;
  SmtpSessionDelegate& delegate_;
  SmtpSessionOutput& output_;
  SmtpState state_ = SmtpState::Connected;
  Envelope envelope_;
  MessageReceiver receiver_;
  std::unique_ptr<MessageSink> sink_;  // the message being received (DATA), from the delegate
  std::string pendingUser_;  // AUTH LOGIN between the user and the password step
  bool tls_ = false;
  bool helloSeen_ = false;
  unsigned errors_ = 0;
  unsigned commandsSeen_ = 0;
};

}  // namespace mg::smtp
