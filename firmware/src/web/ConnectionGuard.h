#pragma once
// Keeps slow or greedy web clients from starving everyone else (DESIGN §3 "Bounded work").
// Poco's own timeout is per read, so one header byte every few seconds would otherwise keep a
// worker thread for ever. Here:
// - a connection must deliver each request head within `headDeadline` (from accept, or from
//   the end of the previous response on a kept-alive connection), or it is shut down;
// - a client address may have `slowPerAddress` connections waiting on a head at once; any
//   more of them from that address get only `slowGrace` (a browser's requests arrive in
//   milliseconds, so only a slow client ever meets this);
// - a client address may hold at most `perAddress` connections in all (then 503).
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
    unsigned perAddress = 32;
    unsigned slowPerAddress = 4;
    std::chrono::milliseconds slowGrace{1'000};
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
    std::string host;
    int64_t headSince = 0;  // steady ms the wait for a head began; 0 while a request is handled
  };
  void closeSlow(const std::string& peer, Entry& e, const char* why);
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
