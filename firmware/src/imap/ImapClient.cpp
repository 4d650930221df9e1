#include "imap/ImapClient.h"

#include <Poco/Base64Encoder.h>

#include <sstream>

#include "common/Log.h"
#include "common/Text.h"
#include "imap/Decoders.h"
#include "imap/ImapConnection.h"
#include "imap/detail/CurrentError.h"

namespace mg::imap {

namespace {

Poco::Logger& log() { return common::logger("imap"); }

std::string base64(std::string_view bytes) {
  std::ostringstream out;
  Poco::Base64Encoder enc(out);
  enc.rdbuf()->setLineLength(0);
  enc.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  enc.close();
  return out.str();
}

// "[AUTHENTICATIONFAILED] Authentication failed." — the NO adds nothing for an operator.
std::string withoutStatus(const Response& r) {
  const std::string d = r.describe();
  return r.name == "NO" && d.size() > 3 ? d.substr(3) : d;
}

}  // namespace

ImapClient::ImapClient(ClientOptions options) : options_(std::move(options)) {}

ImapClient::~ImapClient() { close(); }

bool ImapClient::connected() const { return conn_ && conn_->isOpen(); }

void ImapClient::close() {
  if (conn_) conn_->close();
  selected_.reset();
}

std::string ImapClient::nextTag() { return "A" + std::to_string(++tagCounter_); }

bool ImapClient::hasCapability(std::string_view upperName) const {
  return capabilities_.count(std::string(upperName)) > 0;
}

void ImapClient::setCapabilities(const std::vector<Value>& atoms) { capabilities_ = decode::capabilities(atoms); }

common::Status ImapClient::fail(const std::string& context, const std::string& what) {
  close();
  std::string message = context + ": " + what;
  if (!byeText_.empty()) message += " (server said BYE " + byeText_ + ")";
  log().debug("imap %s:%hu %s", options_.host, options_.port, message);
  return common::Status::error(message);
}

common::Status ImapClient::connect() {
  const std::string address = options_.host + ":" + std::to_string(options_.port);
  close();
  capabilities_.clear();
  byeText_.clear();
  conn_ = std::make_unique<ImapConnection>(options_.timeout, options_.limits);
  std::string stage = "connect " + address;
  try {
    if (options_.tls == TlsMode::Implicit) {
      stage = "connect " + address + " (TLS)";
      conn_->connectTls(options_.host, options_.port, ImapConnection::tlsContext(options_.verifyTls));
    } else {
      conn_->connect(options_.host, options_.port);
    }
    stage = "greeting from " + address;
    const Response greeting = conn_->read();
    if (greeting.kind != Response::Kind::Untagged || (greeting.name != "OK" && greeting.name != "PREAUTH")) {
      return fail(stage, "unexpected " + greeting.describe());
    }
    if (greeting.hasCode("CAPABILITY")) setCapabilities(greeting.code->args);
    preauthenticated_ = greeting.name == "PREAUTH";
  } catch (...) {
    return fail(stage, detail::currentError(options_.timeout));
  }
  if (capabilities_.empty()) {
    if (auto s = refreshCapabilities(); !s) return s;
  }
  if (options_.tls != TlsMode::StartTls) return common::Status::success();
  // STARTTLS is only allowed before authentication (RFC 3501 §6.2.1); a PREAUTH greeting on a
  // connection that was to be TLS means plaintext for the whole session, which is refused.
  if (preauthenticated_) {
    return fail("STARTTLS", address + " greeted PREAUTH, so STARTTLS is impossible (tls = starttls; not using plaintext)");
  }
  // Never fall back to plaintext: the operator asked for TLS, so a missing STARTTLS is a
  // misconfiguration or a downgrade, and both must stop the session before LOGIN.
  if (!hasCapability("STARTTLS")) {
    return fail("STARTTLS", "not offered by " + address + " (tls = starttls; not logging in over plaintext)");
  }
  auto reply = execute(Command("STARTTLS"), "STARTTLS");
  if (!reply) return reply.status();
  try {
    if (conn_->hasBufferedInput()) return fail("STARTTLS", "server sent data before the TLS handshake (plaintext injection?)");
    conn_->startTls(options_.host, ImapConnection::tlsContext(options_.verifyTls));
  } catch (...) {
    return fail("TLS handshake with " + address, detail::currentError(options_.timeout));
  }
  capabilities_.clear();  // RFC 3501 §6.2.1: forget what was said before TLS
  return refreshCapabilities();
}

common::Status ImapClient::refreshCapabilities() {
  auto reply = execute(Command("CAPABILITY"), "CAPABILITY");
  if (!reply) return reply.status();
  if (capabilities_.empty()) return fail("CAPABILITY", "server listed no capabilities");
  return common::Status::success();
}

common::Status ImapClient::login(const std::string& user, const std::string& password) {
  if (preauthenticated_) {
    // The server authenticated the connection itself (RFC 3501 §7.1.4: a PREAUTH greeting,
    // e.g. an imapd started for one mailbox); a LOGIN now would be refused as out of state.
    log().debug("imap %s:%hu pre-authenticated the connection (PREAUTH); no LOGIN as %s", options_.host, options_.port,
                common::sanitize(user));
    return common::Status::success();
  }
  AuthMethod method = options_.auth;
  if (method == AuthMethod::Auto) method = hasCapability("AUTH=PLAIN") ? AuthMethod::Plain : AuthMethod::Login;
  if (method == AuthMethod::Login && hasCapability("LOGINDISABLED")) {
    return common::Status::error("login failed: the server disabled LOGIN on this connection (LOGINDISABLED; use TLS)");
  }
  auto s = loginWith(method, user, password);
  if (!s) return s;
  log().debug("imap %s:%hu logged in as %s (password ********)", options_.host, options_.port, common::sanitize(user));
  const bool hadCodeCapabilities = lastCompletion_ && lastCompletion_->hasCode("CAPABILITY");
  if (hadCodeCapabilities) {
    setCapabilities(lastCompletion_->code->args);
    return common::Status::success();
  }
  return refreshCapabilities();
}

common::Status ImapClient::loginWith(AuthMethod method, const std::string& user, const std::string& password) {
  Command cmd;
  const std::string payload = base64(std::string(1, '\0') + user + std::string(1, '\0') + password);
  if (method == AuthMethod::Login) {
    cmd.raw("LOGIN").astring(user).astring(password, true);
  } else if (hasCapability("SASL-IR")) {
    cmd.raw("AUTHENTICATE PLAIN").raw(payload, true);
  } else {
    cmd.raw("AUTHENTICATE PLAIN");
    // The payload goes after the server's "+": sendCommand sends a literal-less command in one
    // line, so we drive this exchange here.
    const std::string tag = nextTag();
    try {
      if (!connected()) return common::Status::error("login failed: not connected");
      conn_->write(tag + " AUTHENTICATE PLAIN\r\n");
      for (;;) {
        Response r = conn_->read();
        if (r.kind == Response::Kind::Continuation) break;
        if (r.kind == Response::Kind::Tagged) {
          lastCompletion_ = r;
          return common::Status::error("login failed: " + withoutStatus(r));
        }
        onUntagged(r);
      }
      conn_->write(payload + "\r\n");
      for (;;) {
        Response r = conn_->read();
        if (r.kind == Response::Kind::Continuation) {
          conn_->write("*\r\n");  // a second challenge is not PLAIN: cancel (RFC 3501 §6.2.2)
          continue;
        }
        if (r.kind != Response::Kind::Tagged) {
          onUntagged(r);
          continue;
        }
        lastCompletion_ = r;
        if (r.name == "OK") return common::Status::success();
        return common::Status::error("login failed: " + withoutStatus(r));
      }
    } catch (...) {
      return fail("login failed", detail::currentError(options_.timeout));
    }
  }
  auto reply = execute(cmd, "login failed");
  if (reply.ok()) return common::Status::success();
  // "login failed: NO [AUTHENTICATIONFAILED] …" reads better without the NO.
  std::string message = reply.errorMessage();
  const std::string no = "login failed: NO ";
  if (message.rfind(no, 0) == 0) message = "login failed: " + message.substr(no.size());
  return common::Status::error(message);
}

common::Result<std::map<std::string, std::string>> ImapClient::id() {
  using R = common::Result<std::map<std::string, std::string>>;
  if (!hasCapability("ID")) return std::map<std::string, std::string>();
  Command cmd("ID (\"name\"");
  cmd.string(options_.clientName).raw("\"version\"").string(options_.clientVersion);
  cmd.raw(")");
  auto reply = execute(cmd, "ID");
  if (!reply) return R(reply.status());
  for (const auto& r : reply->untagged) {
    if (r.name == "ID") return decode::id(r);
  }
  return std::map<std::string, std::string>();
}

void ImapClient::onUntagged(const Response& r) {
  if (r.name == "CAPABILITY") setCapabilities(r.data);
  if (r.name == "OK" && r.hasCode("CAPABILITY")) setCapabilities(r.code->args);
  if (r.name == "BYE") byeText_ = common::sanitize(r.text);
  if (!selected_) return;
  const uint32_t before = selected_->exists;
  decode::applyToMailbox(r, *selected_);
  if (r.number && r.name == "EXISTS") {
    pending_.newMessages = pending_.newMessages || selected_->exists > before;
    pending_.kind = Activity::Kind::Changed;
  } else if (r.number && r.name == "EXPUNGE") {
    pending_.expunged = true;
    pending_.kind = Activity::Kind::Changed;
  } else if (r.number && r.name == "FETCH") {
    pending_.flagsChanged = true;
    pending_.kind = Activity::Kind::Changed;
  } else if (r.name == "VANISHED") {
    pending_.expunged = true;
    pending_.kind = Activity::Kind::Changed;
  }
}

Activity ImapClient::takeActivity(Activity::Kind kind) {
  Activity out = pending_;
  out.kind = pending_.kind == Activity::Kind::Changed ? Activity::Kind::Changed : kind;
  out.exists = selected_ ? selected_->exists : 0;
  pending_ = Activity();
  return out;
}

common::Result<ImapClient::Reply> ImapClient::execute(const Command& command, const std::string& context) {
  if (!connected()) return common::Status::error(context + ": not connected");
  try {
    return executeUnguarded(command, context);
  } catch (...) {
    return fail(context, detail::currentError(options_.timeout));
  }
}

common::Result<ImapClient::Reply> ImapClient::executeUnguarded(const Command& command, const std::string& context) {
  const std::string tag = nextTag();
  if (log().debug()) log().debug("imap C: %s %s", tag, command.logForm());
  Reply reply;
  std::optional<Response> refused = sendCommand(tag, command, reply.untagged);
  for (;;) {
    Response r = refused ? std::move(*refused) : conn_->read();
    refused.reset();
    if (r.kind == Response::Kind::Continuation) throw ImapProtocolError("unexpected continuation request");
    if (r.kind == Response::Kind::Untagged) {
      onUntagged(r);
      reply.untagged.push_back(std::move(r));
      continue;
    }
    if (r.tag != tag) throw ImapProtocolError("completion for unknown tag " + common::sanitize(r.tag, 16));
    lastCompletion_ = r;
    if (r.name != "OK") return common::Status::error(context + ": " + r.describe());
    reply.completion = std::move(r);
    return reply;
  }
}

std::optional<Response> ImapClient::sendCommand(const std::string& tag, const Command& command,
                                                std::vector<Response>& untagged) {
  const bool nonSync = options_.useLiteralPlus && hasCapability("LITERAL+");
  std::string out = tag + " ";
  for (const auto& seg : command.segments()) {
    if (!seg.literal) {
      out += seg.text;
      continue;
    }
    out += "{" + std::to_string(seg.text.size()) + (nonSync ? "+}\r\n" : "}\r\n");
    if (!nonSync) {
      conn_->write(out);
      out.clear();
      for (;;) {  // wait for "+ go ahead"; a tagged NO here refuses the command (e.g. too big)
        Response r = conn_->read();
        if (r.kind == Response::Kind::Continuation) break;
        if (r.kind == Response::Kind::Tagged) return r;  // the command is over
        onUntagged(r);
        untagged.push_back(std::move(r));
      }
    }
    out += seg.text;
  }
  out += "\r\n";
  conn_->write(out);
  return std::nullopt;
}

}  // namespace mg::imap
