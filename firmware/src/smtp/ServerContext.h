#pragma once
// What the server shares with its connections. Held by shared_ptr so that a connection still
// unwinding on a pool thread never outlives it, whatever the order of destruction.
#include <Poco/Net/Context.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "common/Settings.h"
#include "smtp/SmtpSessionDelegate.h"

namespace mg::smtp::detail {

// One running session as admission control sees it.
struct SessionSlot {
  std::string host;
  std::atomic<bool> silent{true};   // no command read yet
  std::atomic<bool> evict{false};   // asked to make room: the connection closes with 421
};

struct ServerContext {
  ServerContext(common::SmtpSettings s, SmtpSessionDelegate& d) : settings(std::move(s)), delegate(d) {}

  enum class Admission { Admitted, ServerFull, AddressFull };
  // Takes a session slot for `slot.host`. Refused when that host already runs
  // maxSessionsPerAddress sessions, or when every slot is taken — except that a host holding
  // fewer slots than the busiest one may take over a *silent* session of that busiest host
  // (connected, no command yet): the silent one is closed with 421 and the newcomer waits for
  // its slot. So silent connections from one machine cannot lock out the rest of the LAN,
  // while one busy host may still use every slot when nobody else needs one.
  Admission tryAcquire(SessionSlot& slot);
  void release(SessionSlot& slot);

  const common::SmtpSettings settings;
  SmtpSessionDelegate& delegate;
  Poco::Net::Context::Ptr tls;  // null: no STARTTLS
  // How often a blocked read wakes up to look at the stop flags and the idle clock.
  std::chrono::milliseconds pollSlice{200};
  std::atomic<unsigned> active{0};
  std::atomic<bool> stopping{false};     // idle sessions close with 421 4.3.2
  std::atomic<bool> forceClose{false};   // the grace is over: transactions close too
  std::atomic<int64_t> acceptProgressMillis{0};  // the accept loop's last turn (steady ms)
  std::function<void()> acceptHook;              // tests: runs at each turn of the accept loop

 private:
  SessionSlot* silentVictimFor(const std::string& host);  // with mu_ held
  void admit(SessionSlot& slot);                          // with mu_ held

  std::mutex mu_;
  std::condition_variable released_;
  std::map<std::string, std::vector<SessionSlot*>> byHost_;  // running sessions, oldest first
};

}  // namespace mg::smtp::detail
