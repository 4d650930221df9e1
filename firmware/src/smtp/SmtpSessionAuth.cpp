// SmtpSession, continued: STARTTLS (RFC 3207) and AUTH PLAIN/LOGIN (RFC 4954, 4616). Kept
// apart because this is the security-relevant half: what is offered when, and what is never
// logged.
#include "smtp/SmtpSession.h"

#include "common/Log.h"
#include "common/Text.h"
#include "smtp/Sasl.h"
#include "smtp/SmtpReply.h"

namespace mg::smtp {
namespace {

Poco::Logger& log() { return common::logger("smtp"); }

// RFC 4954 §4: the AUTH LOGIN prompts are the base64 of "Username:" and "Password:".
constexpr std::string_view kLoginUserPrompt = "VXNlcm5hbWU6";
constexpr std::string_view kLoginPassPrompt = "UGFzc3dvcmQ6";

}  // namespace

bool SmtpSession::checkStartTls(const SmtpCommand& cmd) {
  if (!options_.tlsAvailable) {
    reply(502, "5.5.1", "Error: STARTTLS not available");
    return false;
  }
  if (tls_) {
    reply(503, "5.5.1", "Error: TLS already active");
    return false;
  }
  if (state_ == SmtpState::Connected) {
    reply(503, "5.5.1", "Error: send EHLO first");
    return false;
  }
  if (state_ != SmtpState::Greeted) {
    reply(503, "5.5.1", "Error: STARTTLS not allowed during a mail transaction");
    return false;
  }
  return checkNoArgument(cmd);
}

void SmtpSession::proceedStartTls() {
  enterState(SmtpState::StartTls);
  send(SmtpReply::line(220, "2.0.0", "Ready to start TLS"));
  output_.startTls();
}

bool SmtpSession::checkAuth(const SmtpCommand& cmd) {
  if (state_ == SmtpState::Connected) {
    reply(503, "5.5.1", "Error: send EHLO first");
    return false;
  }
  if (state_ != SmtpState::Greeted) {
    reply(503, "5.5.1", "Error: AUTH not allowed during a mail transaction");
    return false;
  }
  if (!envelope_.authUser.empty()) {
    reply(503, "5.5.1", "Error: already authenticated");
    return false;
  }
  if (!tls_) {
    // Passwords never cross the LAN in the clear; AUTH is not even advertised before TLS.
    reply(538, "5.7.11", "Encryption required for requested authentication mechanism");
    return false;
  }
  const std::string mechanism = commandVerb(cmd.argument);
  if (mechanism.empty()) {
    reply(501, "5.5.4", "Syntax: AUTH mechanism [initial-response]");
    return false;
  }
  if (mechanism != "PLAIN" && mechanism != "LOGIN") {
    reply(504, "5.5.4", "Unrecognized authentication type");
    return false;
  }
  return true;
}

void SmtpSession::proceedAuth(const SmtpCommand& cmd) {
  const std::string mechanism = commandVerb(cmd.argument);
  const size_t sp = cmd.argument.find(' ');
  const std::string initial =
      sp == std::string::npos ? std::string() : std::string(common::trim(std::string_view(cmd.argument).substr(sp + 1)));
  enterState(mechanism == "PLAIN" ? SmtpState::AuthPlain : SmtpState::AuthLoginUser);
  if (!initial.empty()) {
    onAuthLine(initial, false);  // the initial response is the first step's answer
  } else if (mechanism == "PLAIN") {
    send(SmtpReply::line(334, "", ""));
  } else {
    send(SmtpReply::line(334, "", kLoginUserPrompt));
  }
}

void SmtpSession::onAuthLine(std::string_view line, bool tooLong) {
  if (tooLong || line.size() + 2 > kMaxCommandLine) {
    abortAuth(500, "5.5.2", "Error: line too long");
    return;
  }
  if (line == "*") {
    abortAuth(501, "5.0.0", "Authentication cancelled");
    return;
  }
  // "=" is RFC 4954's spelling of an empty initial response.
  const auto decoded = line == "=" ? std::optional<std::string>("") : detail::decodeBase64(line);
  if (!decoded) {
    abortAuth(501, "5.5.2", "Cannot decode response");
    return;
  }
  if (state_ == SmtpState::AuthPlain) {
    const auto creds = detail::parsePlain(*decoded);
    if (!creds) {
      abortAuth(535, "5.7.8", "Authentication credentials invalid");
      return;
    }
    finishAuth(creds->user, creds->password);
  } else if (state_ == SmtpState::AuthLoginUser) {
    if (decoded->empty()) {
      abortAuth(535, "5.7.8", "Authentication credentials invalid");
      return;
    }
    pendingUser_ = *decoded;
    enterState(SmtpState::AuthLoginPass);
    send(SmtpReply::line(334, "", kLoginPassPrompt));
  } else {
    const std::string user = pendingUser_;
    finishAuth(user, *decoded);
  }
}

void SmtpSession::finishAuth(const std::string& user, const std::string& password) {
  AuthVerdict verdict = AuthVerdict::Busy;
  try {
    verdict = delegate_.authenticate(user, password, options_.clientHost);
  } catch (...) {
    verdict = AuthVerdict::Busy;
  }
  pendingUser_.clear();
  enterState(SmtpState::Greeted);
  const std::string who = "client=" + common::sanitize(options_.clientAddress) + " user=" + common::sanitize(user);
  switch (verdict) {
    case AuthVerdict::Accepted:
      envelope_.authUser = user;
      log().information("smtp auth ok %s", who);
      reply(235, "2.7.0", "Authentication successful");
      return;
    case AuthVerdict::Rejected:
      log().warning("smtp auth failed %s", who);
      reply(535, "5.7.8", "Authentication credentials invalid");
      return;
    case AuthVerdict::Throttled:
      log().warning("smtp auth throttled %s: too many failed attempts", who);
      closeWith(454, "4.7.0", "Too many failed authentication attempts; try again later");
      return;
    case AuthVerdict::Busy:
      log().warning("smtp auth could not be checked now %s", who);
      reply(454, "4.7.0", "Temporary authentication failure; try again later");
      return;
  }
}

void SmtpSession::abortAuth(int code, std::string_view enhanced, std::string_view text) {
  pendingUser_.clear();
  enterState(SmtpState::Greeted);
  reply(code, enhanced, text);
}

}  // namespace mg::smtp
