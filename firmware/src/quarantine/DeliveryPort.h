#pragma once
// The quarantine service's outbound port: how a released or passed message leaves the gate.
// The relay adapter implements it for SMTP mail (upstream smarthosts); the watcher adapter
// will implement its IMAP counterpart. The service knows nothing of sockets.
#include <string>
#include <string_view>
#include <vector>

namespace mg::quarantine {

struct DeliveryRequest {
  long long emailId = 0;
  std::string mailFrom;              // envelope sender ("" for the null sender <>)
  std::vector<std::string> rcptTo;   // envelope recipients
  std::string_view raw;              // the message as stored (CRLF lines, not dot-stuffed)
};

struct DeliveryOutcome {
  bool delivered = false;
  bool permanent = false;  // a 5xx from every relay tried: retrying the same won't help
  std::string upstream;    // the relay that took it (or the last one tried)
  std::string reason;      // operator-readable: "upstream primary: 554 5.7.1 relay denied"
};

class DeliveryPort {
 public:
  virtual ~DeliveryPort() = default;
  virtual DeliveryOutcome deliver(const DeliveryRequest& request) = 0;
};

}  // namespace mg::quarantine
