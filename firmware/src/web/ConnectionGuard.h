#pragma once
// Keeps slow or greedy web clients from starving everyone else (DESIGN §3 "Bounded work"):
// a client address may hold at most `perAddress` connections at once, and a connection must
// deliver each request head within `headDeadline` (from accept, or from the end of the
// previous response on a kept-alive connection) or it is shut down. Poco's own timeout is per
// read, so one header byte every few seconds would otherwise keep a worker thread forever.
// While a request is being handled no deadline applies: the handlers bound their own work.
#include <Poco/Net/StreamSocket.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace mg::web {

class ConnectionGuard {
 public:
  struct Limits {
    std::chrono::milliseconds headDeadline{10'000};
    unsigned perAddress = 8;
  };

  explicit ConnectionGuard(Limits limits);
  ~ConnectionGuard();
  ConnectionGuard(const ConnectionGuard&) = delete;
  ConnectionGuard& operator=(const ConnectionGuard&) = delete;

  // A new connection `peer` ("host:port") from `host`: false when that host already has
  // perAddress connections (the caller answers 503 and closes).
  bool admit(const std::string& host, const std::string& peer, const Poco::Net::StreamSocket& socket);
  void leave(const std::string& host, const std::string& peer);
  void headReceived(const std::string& peer);  // its request is being handled
  void responseSent(const std::string& peer);  // the next head is due within the deadline
  unsigned openFrom(const std::string& host);

 private:
  struct Entry {
    Poco::Net::StreamSocket socket;
    int64_t deadline = 0;  // steady ms; 0 while a request is handled
  };
  void reap();
  static int64_t nowMs();

  Limits limits_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::map<std::string, Entry> byPeer_;
  std::map<std::string, unsigned> perHost_;
  std::thread reaper_;
};

}  // namespace mg::web
