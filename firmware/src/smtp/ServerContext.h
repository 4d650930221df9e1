#pragma once
// What the server shares with its connections. Held by shared_ptr so that a connection still
// unwinding on a pool thread never outlives it, whatever the order of destruction.
#include <Poco/Net/Context.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>

#include "common/Settings.h"
#include "smtp/SmtpSessionDelegate.h"

namespace mg::smtp::detail {

struct ServerContext {
  ServerContext(common::SmtpSettings s, SmtpSessionDelegate& d) : settings(std::move(s)), delegate(d) {}

  enum class Admission { Admitted, ServerFull, AddressFull };
  // Takes a session slot for a client address (host only, no port): refused when
  // maxSessions run already, or maxSessionsPerAddress from that address, so that one host
  // on the LAN cannot take every slot. release() with the same address when the session ends.
  Admission tryAcquire(const std::string& host);
  void release(const std::string& host);

  const common::SmtpSettings settings;
  SmtpSessionDelegate& delegate;
  Poco::Net::Context::Ptr tls;  // null: no STARTTLS
  // How often a blocked read wakes up to look at the stop flags and the idle clock.
  std::chrono::milliseconds pollSlice{200};
  std::atomic<unsigned> active{0};
  std::mutex perAddressMu;
  std::map<std::string, unsigned> perAddress;  // sessions running, by client host
  std::atomic<bool> stopping{false};     // idle sessions close with 421 4.3.2
  std::atomic<bool> forceClose{false};   // the grace is over: transactions close too
};

}  // namespace mg::smtp::detail
