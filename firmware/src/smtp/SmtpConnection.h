#pragma once
// One client connection: reads lines off the socket with bounded buffers and timeouts, feeds
// them to an SmtpSession, writes its replies (batched while pipelined input is pending,
// RFC 2920) and carries out STARTTLS by attaching OpenSSL to the same socket.
#include <Poco/Net/StreamSocket.h>
#include <Poco/Net/TCPServerConnection.h>

#include <memory>
#include <string>

#include "smtp/LineReader.h"
#include "smtp/ServerContext.h"
#include "smtp/SmtpSession.h"
#include "smtp/SmtpSessionOutput.h"

namespace mg::smtp::detail {

class SmtpConnection : public Poco::Net::TCPServerConnection, private SmtpSessionOutput {
 public:
  SmtpConnection(const Poco::Net::StreamSocket& socket, std::shared_ptr<ServerContext> context);
  void run() override;

 private:
  // SmtpSessionOutput
  void send(const std::string& wire) override { pending_ += wire; }
  void startTls() override { tlsRequested_ = true; }
  void close() override {}  // the session is closed(); the loop ends and flushes

  void serve();
  void flush();
  // Waits for input; false when the peer went away. Timeouts and stops are told to the
  // session, which closes itself.
  bool readMore(SmtpSession& session);
  bool upgradeToTls(SmtpSession& session);
  void refuse(const std::string& wire);

  std::shared_ptr<ServerContext> context_;
  Poco::Net::StreamSocket io_;  // the plain socket, or its TLS wrapper after STARTTLS
  LineReader reader_;
  std::string pending_;
  std::string client_;
  std::string host_;  // client_ without the port
  SessionSlot slot_;
  bool tlsRequested_ = false;
};

}  // namespace mg::smtp::detail
