#pragma once
// Keeps slow or greedy web clients from starving everyone else (DESIGN §3 "Bounded work").
// Poco's own timeout is per read, so one header byte every few seconds would otherwise keep a
// worker thread for ever. Here:
// - a connection must deliver each request head within `headDeadline` (from accept, or from
//   the end of the previous response on a kept-alive connection), or it is shut down;
// - a client address may have `slowPerAddress` connections waiting on a head at once; any
//   more of them from that address get only `slowGrace` (a browser's requests arrive in
//   milliseconds, so only a slow client ever meets this);
// - a client address may hold at most `perAddress` connections in all, counted from the
//   accept (before a connection waits in the queue for a thread): more are turned away at
//   once (plain HTTP: a 503 first), so a flood from one address cannot fill the queue that
//   everyone else's connections wait in.
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
    unsigned maxPending = 200;  // accepted, waiting for a thread (below the server's queue)
    unsigned slowPerAddress = 4;
    std::chrono::milliseconds slowGrace{1'000};
  };

  explicit ConnectionGuard(Limits limits);
  ~ConnectionGuard();
  ConnectionGuard(const ConnectionGuard&) = delete;
  ConnectionGuard& operator=(const ConnectionGuard&) = delete;

  // At accept, in the accept thread: reserves a place for the connection on socket `fd` from
  // `host`; false when that host already has perAddress connections (or the queue is full).
  bool reserve(const std::string& host, int fd);
  // In the connection's thread: the reservation of `fd` becomes a running connection `peer`
  // ("host:port"); returns its host. abandon() instead when the peer is already gone.
  std::string begin(int fd, const std::string& peer, const Poco::Net::StreamSocket& socket);
  void abandon(int fd);
  void leave(const std::string& host, const std::string& peer);
  void headReceived(const std::string& peer);  // its request is being handled
  void responseSent(const std::string& peer);  // the next head is due within the deadline

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
  std::map<std::string, unsigned> perHost_;  // reserved or running, by client host
  std::map<int, std::string> pending_;       // reserved at accept, not yet running: fd -> host
  std::thread reaper_;
};

}  // namespace mg::web
