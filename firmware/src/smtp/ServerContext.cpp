#include "smtp/ServerContext.h"

#include "common/Metrics.h"

namespace mg::smtp::detail {

ServerContext::Admission ServerContext::tryAcquire(const std::string& host) {
  std::lock_guard<std::mutex> lock(perAddressMu);
  const unsigned n = active.load();
  if (n >= settings.maxSessions) return Admission::ServerFull;
  unsigned& mine = perAddress[host];
  if (mine >= settings.maxSessionsPerAddress) {
    if (mine == 0) perAddress.erase(host);
    return Admission::AddressFull;
  }
  ++mine;
  active.store(n + 1);
  common::Metrics::global().set("mailgate_smtp_sessions_active", static_cast<double>(n + 1));
  return Admission::Admitted;
}

void ServerContext::release(const std::string& host) {
  std::lock_guard<std::mutex> lock(perAddressMu);
  auto it = perAddress.find(host);
  if (it != perAddress.end() && --it->second == 0) perAddress.erase(it);
  const unsigned n = active.load() - 1;
  active.store(n);
  common::Metrics::global().set("mailgate_smtp_sessions_active", static_cast<double>(n));
}

}  // namespace mg::smtp::detail
