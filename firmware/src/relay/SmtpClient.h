#pragma once
// One SMTP client transaction to one upstream (RFC 5321, 3207 STARTTLS, 4954 AUTH, 1870 SIZE,
// 6152 8BITMIME): connect, TLS as configured, EHLO, AUTH, MAIL, RCPT…, DATA, QUIT. Never
// throws: every failure comes back as a TransactionResult with an operator-readable reason.
#include <Poco/Net/Context.h>

#include <map>
#include <string>
#include <vector>

#include "common/Settings.h"
#include "quarantine/DeliveryPort.h"
#include "relay/SmtpConnection.h"
#include "relay/TransactionResult.h"

namespace mg::relay {

class SmtpClient {
 public:
  SmtpClient(common::UpstreamSettings upstream, std::string heloName);
  TransactionResult send(const quarantine::DeliveryRequest& request);

  // The process-wide client TLS context: TLS 1.2 or newer; with `verify` the chain is checked
  // against the system CAs (/etc/ssl/certs) and the name against the host, else nothing is.
  static Poco::Net::Context::Ptr tlsContext(bool verify);

 private:
  struct Failure {  // thrown inside send() to leave the dialogue from any step
    TransactionResult::Kind kind;
    bool relayFault;
    std::string what;
  };

  void dialogue(const quarantine::DeliveryRequest& request, TransactionResult& result);
  void openSession();
  void ehlo();
  void authenticate();
  void sendData(std::string_view trace, std::string_view raw);
  SmtpReply command(const std::string& line, const std::string& stage);
  SmtpReply expect(const SmtpReply& reply, int kind, const std::string& stage, bool relayFault);
  [[noreturn]] void fail(const SmtpReply& reply, const std::string& stage, bool relayFault);
  void quietQuit() noexcept;
  TransactionResult failed(const Failure& f) const;

  common::UpstreamSettings upstream_;
  std::string heloName_;
  SmtpConnection conn_;
  std::map<std::string, std::string> extensions_;  // from the last EHLO
  std::string stage_ = "connect";                  // where we are, for timeout and network errors
  std::vector<std::string> secrets_;               // AUTH payloads, masked out of every reason
};

}  // namespace mg::relay
