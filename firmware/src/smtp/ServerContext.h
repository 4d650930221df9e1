#pragma once
// What the server shares with its connections. Held by shared_ptr so that a connection still
// unwinding on a pool thread never outlives it, whatever the order of destruction.
#include <Poco/Net/Context.h>

#include <atomic>
#include <chrono>

#include "common/Settings.h"
#include "smtp/SmtpSessionDelegate.h"

namespace mg::smtp::detail {

struct ServerContext {
  ServerContext(common::SmtpSettings s, SmtpSessionDelegate& d) : settings(std::move(s)), delegate(d) {}

  // Takes a session slot; false when maxSessions are already running.
  bool tryAcquire();
  void release();

  const common::SmtpSettings settings;
  SmtpSessionDelegate& delegate;
  Poco::Net::Context::Ptr tls;  // null: no STARTTLS
  // How often a blocked read wakes up to look at the stop flags and the idle clock.
  std::chrono::milliseconds pollSlice{200};
  std::atomic<unsigned> active{0};
  std::atomic<bool> stopping{false};     // idle sessions close with 421 4.3.2
  std::atomic<bool> forceClose{false};   // the grace is over: transactions close too
};

}  // namespace mg::smtp::detail
