#include "smtp/ServerContext.h"

#include "common/Metrics.h"

namespace mg::smtp::detail {

bool ServerContext::tryAcquire() {
  unsigned n = active.load();
  do {
    if (n >= settings.maxSessions) return false;
  } while (!active.compare_exchange_weak(n, n + 1));
  common::Metrics::global().set("mailgate_smtp_sessions_active", static_cast<double>(n + 1));
  return true;
}

void ServerContext::release() {
  const unsigned n = active.fetch_sub(1) - 1;
  common::Metrics::global().set("mailgate_smtp_sessions_active", static_cast<double>(n));
}

}  // namespace mg::smtp::detail
