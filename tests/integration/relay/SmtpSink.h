#pragma once
// A real Postfix smtp-sink on 127.0.0.1 for the relay's integration tests: started on a free
// port with its own dump directory, stopped by the destructor, and killed with the test
// process if that dies (see SmtpSink.cpp).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "Subprocess.h"

namespace mg::relay::test {

class SmtpSink {
 public:
  static constexpr const char* kBinary = "/usr/sbin/smtp-sink";
  static bool available();
  static uint16_t freePort() { return Subprocess::freePort(); }

  // `extraArgs`: smtp-sink options such as {"-f", "RCPT"} (hard-reject RCPT) or {"-8"}.
  explicit SmtpSink(std::vector<std::string> extraArgs = {});
  ~SmtpSink();
  SmtpSink(const SmtpSink&) = delete;
  SmtpSink& operator=(const SmtpSink&) = delete;

  uint16_t port() const { return port_; }
  // Every dump file written so far (one per message), waiting up to `waitMillis` for `atLeast`.
  std::vector<std::string> dumps(std::size_t atLeast = 0, int waitMillis = 3000) const;
  void stop();

  // A dump file is: smtp-sink's own X-Client-Addr/X-Client-Proto/X-Helo-Args/X-Mail-Args/
  // X-Rcpt-Args lines, a 3-line "Received:" header, the message as received (dot-unstuffed,
  // CRLF turned into LF) and one empty line. This returns the message part.
  static std::string messageOf(const std::string& dump);
  // The value of the first smtp-sink line `name` ("X-Mail-Args") in a dump, "" if none.
  static std::string field(const std::string& dump, const std::string& name);
  // What the sink stores for `raw` sent over SMTP: CRLF line ends as LF.
  static std::string asStored(const std::string& raw);

 private:
  std::string dir_;
  uint16_t port_ = 0;
  std::unique_ptr<Subprocess> process_;
};

}  // namespace mg::relay::test
