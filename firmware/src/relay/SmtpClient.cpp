#include "relay/SmtpClient.h"

#include <Poco/Base64Encoder.h>
#include <Poco/Exception.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLException.h>

#include <algorithm>
#include <cstdlib>
#include <sstream>
#include <utility>
#include <vector>

#include "common/Text.h"
#include "relay/DotStuffer.h"
#include "relay/TraceHeader.h"
#include "smtp/Address.h"

namespace mg::relay {
namespace {

using Kind = TransactionResult::Kind;

constexpr std::size_t kDataChunk = 64 * 1024;

std::string base64(const std::string& s) {
  std::ostringstream out;
  Poco::Base64Encoder enc(out);
  enc.rdbuf()->setLineLength(0);  // AUTH wants one line
  enc << s;
  enc.close();
  return out.str();
}

bool nonAscii(const std::string& s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
}

// SMTPUTF8 submissions keep it; a UTF-8 address given at release (`to`) needs it as well.
bool needsSmtpUtf8(const quarantine::DeliveryRequest& r) {
  return r.smtpUtf8 || nonAscii(r.mailFrom) || std::any_of(r.rcptTo.begin(), r.rcptTo.end(), nonAscii);
}

// An envelope address goes between <> on one command line: the one address parser (which
// refuses blanks, control bytes and brackets) keeps message data from injecting commands.
bool safeSender(const std::string& a) { return smtp::checkEnvelopeAddress(a, true).ok(); }
bool safeRecipient(const std::string& a) { return smtp::checkEnvelopeAddress(a, false).ok(); }

Poco::Net::Context::Ptr makeContext(bool verify) {
  Poco::Net::Context::Params params;
  params.verificationMode = verify ? Poco::Net::Context::VERIFY_RELAXED : Poco::Net::Context::VERIFY_NONE;
  params.loadDefaultCAs = verify;  // OpenSSL's default paths: /etc/ssl/certs on Debian
  Poco::Net::Context::Ptr ctx = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
  ctx->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
  return ctx;
}

}  // namespace

SmtpClient::SmtpClient(common::UpstreamSettings upstream, std::string heloName)
    : upstream_(std::move(upstream)), heloName_(std::move(heloName)), conn_(upstream_.timeoutSeconds) {}

Poco::Net::Context::Ptr SmtpClient::tlsContext(bool verify) {
  // Made once per process (thread-safe statics): loading CAs per message costs the board CPU.
  if (verify) {
    static const Poco::Net::Context::Ptr verifying = makeContext(true);
    return verifying;
  }
  static const Poco::Net::Context::Ptr relaxed = makeContext(false);
  return relaxed;
}

TransactionResult SmtpClient::failed(const Failure& f) const {
  TransactionResult r;
  r.kind = f.kind;
  r.relayFault = f.relayFault;
  r.reason = "upstream " + upstream_.name + ": " + f.what;
  // A server could echo an AUTH payload back in its error text; it must not reach a log.
  for (const auto& secret : secrets_) {
    for (auto at = r.reason.find(secret); !secret.empty() && at != std::string::npos; at = r.reason.find(secret)) {
      r.reason.replace(at, secret.size(), "********");
    }
  }
  return r;
}

TransactionResult SmtpClient::send(const quarantine::DeliveryRequest& request) {
  TransactionResult result;
  const std::string timeoutText = "timed out after " + std::to_string(upstream_.timeoutSeconds) + " s";
  try {
    dialogue(request, result);
    quietQuit();
    conn_.close();
    return result;
  } catch (const Failure& f) {
    if (!f.relayFault) quietQuit();  // the server is talking; say goodbye properly
    result = failed(f);
  } catch (const Poco::TimeoutException&) {
    result = failed({Kind::Temporary, true, stage_ + ": " + timeoutText});
  } catch (const Poco::Net::SSLException& e) {
    result = failed({Kind::Temporary, true, stage_ + ": TLS: " + common::sanitize(e.displayText())});
  } catch (const SmtpProtocolError& e) {
    result = failed({Kind::Temporary, true, stage_ + ": " + e.what()});
  } catch (const Poco::Exception& e) {
    // In the connect step the address is already in the stage; the exception's name says why.
    const bool connecting = stage_.rfind("connect", 0) == 0;
    result = failed({Kind::Temporary, true, stage_ + ": " + common::sanitize(connecting ? e.name() : e.displayText())});
  } catch (const std::exception& e) {
    result = failed({Kind::Temporary, true, stage_ + ": " + common::sanitize(e.what())});
  }
  conn_.close();
  return result;
}

void SmtpClient::dialogue(const quarantine::DeliveryRequest& request, TransactionResult& result) {
  if (request.rcptTo.empty()) throw Failure{Kind::Permanent, false, "no recipients"};
  if (!safeSender(request.mailFrom)) throw Failure{Kind::Permanent, false, "bad sender address '" + common::sanitize(request.mailFrom) + "'"};
  for (const auto& rcpt : request.rcptTo) {
    if (!safeRecipient(rcpt)) throw Failure{Kind::Permanent, false, "bad recipient address '" + common::sanitize(rcpt) + "'"};
  }

  openSession();

  const std::string_view raw = request.raw;
  const std::string trace =
      request.trace ? receivedHeader(*request.trace, heloName_, request.emailId, request.rcptTo) : std::string();
  const uint64_t size = trace.size() + raw.size();
  std::string mail = "MAIL FROM:<" + request.mailFrom + ">";
  if (auto sizeExt = extensions_.find("SIZE"); sizeExt != extensions_.end()) {
    const unsigned long long limit = std::strtoull(sizeExt->second.c_str(), nullptr, 10);
    if (limit > 0 && size > limit) {
      throw Failure{Kind::Permanent, false,
                    "message of " + std::to_string(size) + " bytes is over the relay's limit of " +
                        std::to_string(limit) + " bytes (SIZE)"};
    }
    mail += " SIZE=" + std::to_string(size);
  }
  // Without 8BITMIME the bytes are sent as they are (as Postfix does); converting to 7-bit
  // would re-serialise the message.
  if (hasEightBit(raw) && extensions_.count("8BITMIME") != 0) mail += " BODY=8BITMIME";
  if (needsSmtpUtf8(request)) {
    // RFC 6531 §3.2: never downgrade an address. Another relay may offer it, so this is no
    // fault of the message and no 5xx: the release fails with a reason and can be retried.
    if (extensions_.count("SMTPUTF8") == 0) {
      throw Failure{Kind::Temporary, false,
                    "the upstream does not offer SMTPUTF8 (RFC 6531), which this message's UTF-8 addresses or "
                    "headers need; release it through a relay that offers SMTPUTF8"};
    }
    mail += " SMTPUTF8";
  }
  const std::string mailStage = "MAIL FROM:<" + common::sanitize(request.mailFrom) + ">";
  expect(command(mail, mailStage), 2, mailStage, false);

  // Every recipient must be accepted: a partial delivery cannot be retried for the rest
  // without sending the message twice to the others.
  std::vector<std::string> rejected;
  bool anyPermanent = false;
  for (const auto& rcpt : request.rcptTo) {
    const std::string stage = "RCPT TO:<" + common::sanitize(rcpt) + ">";
    const SmtpReply r = command("RCPT TO:<" + rcpt + ">", stage);
    if (r.kind() == 2) continue;
    if (r.code == 421) fail(r, stage, true);
    rejected.push_back(stage + ": " + r.text());
    anyPermanent = anyPermanent || r.kind() == 5;
  }
  if (!rejected.empty()) {
    try {
      stage_ = "RSET";
      conn_.writeLine("RSET");
      (void)conn_.readReply();
    } catch (...) {  // the report below matters, not the reset
    }
    std::string why;
    for (const auto& r : rejected) why += (why.empty() ? "" : "; ") + r;
    throw Failure{anyPermanent ? Kind::Permanent : Kind::Temporary, false, why};
  }

  expect(command("DATA", "DATA"), 3, "DATA", false);
  stage_ = "sending message";
  sendData(trace, raw);
  stage_ = "end of data";
  const SmtpReply final = conn_.readReply();
  if (final.kind() != 2) fail(final, "end of data", final.code == 421);
  result.kind = Kind::Delivered;
  result.reply = final.text();
}

void SmtpClient::openSession() {
  const std::string& tls = upstream_.tls;
  if (tls != "none" && tls != "starttls" && tls != "implicit") {
    throw Failure{Kind::Temporary, true, "unknown tls mode '" + common::sanitize(tls) + "' (use starttls, implicit or none)"};
  }
  const std::string address = upstream_.host + ":" + std::to_string(upstream_.port);
  if (tls == "implicit") {
    stage_ = "connect (TLS) " + address;
    conn_.connectTls(upstream_.host, upstream_.port, tlsContext(upstream_.verifyTls));
  } else {
    stage_ = "connect " + address;
    conn_.connect(upstream_.host, upstream_.port);
  }
  stage_ = "greeting";
  expect(conn_.readReply(), 2, "greeting", true);
  ehlo();
  if (tls == "starttls") {
    // Never fall back to plaintext: the operator asked for TLS, so a missing STARTTLS is a
    // misconfiguration or a downgrade attack, and both must stop the delivery.
    if (extensions_.count("STARTTLS") == 0) {
      throw Failure{Kind::Temporary, true, "STARTTLS not offered by " + address + " (tls = starttls; not sending in plaintext)"};
    }
    expect(command("STARTTLS", "STARTTLS"), 2, "STARTTLS", true);
    if (conn_.hasBufferedInput()) {
      throw Failure{Kind::Temporary, true, "STARTTLS: server sent data before the TLS handshake (plaintext injection?)"};
    }
    stage_ = "TLS handshake";
    conn_.startTls(upstream_.host, tlsContext(upstream_.verifyTls));
    ehlo();  // RFC 3207 §4.2: forget what was said before TLS
  }
  if (!upstream_.username.empty()) authenticate();
}

void SmtpClient::ehlo() {
  const SmtpReply r = command("EHLO " + heloName_, "EHLO");
  if (r.kind() == 2) {
    extensions_ = parseEhloKeywords(r);
    return;
  }
  // An old server without ESMTP: HELO is fine only where no extension is needed.
  if (r.kind() == 5 && upstream_.tls == "none" && upstream_.username.empty()) {
    expect(command("HELO " + heloName_, "HELO"), 2, "HELO", true);
    extensions_.clear();
    return;
  }
  fail(r, "EHLO", true);
}

void SmtpClient::authenticate() {
  const auto auth = extensions_.find("AUTH");
  if (auth == extensions_.end()) {
    throw Failure{Kind::Temporary, true,
                  std::string("AUTH not offered by the server although a username is configured") +
                      (upstream_.tls == "none" ? " (most servers offer AUTH only after TLS)" : "")};
  }
  std::vector<std::string> mechs;
  for (const auto& m : common::split(auth->second, ' ')) {
    if (!m.empty()) mechs.push_back(common::toLower(m));
  }
  const auto offered = [&](const char* m) { return std::find(mechs.begin(), mechs.end(), m) != mechs.end(); };
  // The payloads are secrets: they are never logged and masked in any reason (see failed()).
  if (offered("plain")) {
    const std::string payload = base64(std::string(1, '\0') + upstream_.username + std::string(1, '\0') + upstream_.password);
    secrets_.push_back(payload);
    expect(command("AUTH PLAIN " + payload, "AUTH PLAIN"), 2, "AUTH PLAIN", true);
  } else if (offered("login")) {
    const std::string user = base64(upstream_.username);
    const std::string pass = base64(upstream_.password);
    secrets_.push_back(pass);
    expect(command("AUTH LOGIN", "AUTH LOGIN"), 3, "AUTH LOGIN", true);
    expect(command(user, "AUTH LOGIN"), 3, "AUTH LOGIN (username)", true);
    expect(command(pass, "AUTH LOGIN"), 2, "AUTH LOGIN (password)", true);
  } else {
    throw Failure{Kind::Temporary, true,
                  "AUTH: no common mechanism (server offers '" + common::sanitize(auth->second) + "'; mailgate uses PLAIN or LOGIN)"};
  }
}

void SmtpClient::sendData(std::string_view trace, std::string_view raw) {
  DotStuffer stuffer;
  std::string out;
  out.reserve(kDataChunk + kDataChunk / 16);
  stuffer.feed(trace, out);
  while (!raw.empty()) {
    const std::size_t n = std::min(raw.size(), kDataChunk);
    stuffer.feed(raw.substr(0, n), out);
    raw.remove_prefix(n);
    conn_.write(out);
    out.clear();
  }
  stuffer.finish(out);
  conn_.write(out);
}

SmtpReply SmtpClient::command(const std::string& line, const std::string& stage) {
  stage_ = stage;
  conn_.writeLine(line);
  return conn_.readReply();
}

SmtpReply SmtpClient::expect(const SmtpReply& reply, int kind, const std::string& stage, bool relayFault) {
  if (reply.kind() != kind) fail(reply, stage, relayFault || reply.code == 421);
  return reply;
}

void SmtpClient::fail(const SmtpReply& reply, const std::string& stage, bool relayFault) {
  // Only a 5xx about this message is permanent. A 5xx to the greeting, EHLO or AUTH is the
  // relay's configuration (or our credentials): fixable by the operator, so retried later.
  const Kind kind = (!relayFault && reply.kind() == 5) ? Kind::Permanent : Kind::Temporary;
  throw Failure{kind, relayFault, stage + ": " + reply.text()};
}

void SmtpClient::quietQuit() noexcept {
  try {
    conn_.writeLine("QUIT");
    (void)conn_.readReply();
  } catch (...) {  // the transaction's outcome is decided; a rude goodbye changes nothing
  }
}

}  // namespace mg::relay
