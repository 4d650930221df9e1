#include "web/ConnectionGuard.h"

#include <Poco/Exception.h>

#include <algorithm>
#include <vector>

#include "common/Log.h"
#include "common/Metrics.h"

namespace mg::web {

ConnectionGuard::ConnectionGuard(Limits limits) : limits_(limits), reaper_([this] { reap(); }) {}

ConnectionGuard::~ConnectionGuard() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  reaper_.join();
}

int64_t ConnectionGuard::nowMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

bool ConnectionGuard::reserve(const std::string& host, int fd) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = perHost_.find(host);
  if ((it != perHost_.end() && it->second >= limits_.perAddress) || pending_.size() >= limits_.maxPending) return false;
  ++perHost_[host];
  pending_[fd] = host;
  return true;
}

std::string ConnectionGuard::begin(int fd, const std::string& peer, const Poco::Net::StreamSocket& socket) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = pending_.find(fd);
  if (it == pending_.end()) return {};
  std::string host = it->second;
  pending_.erase(it);
  byPeer_[peer] = Entry{socket, host, nowMs()};
  return host;
}

void ConnectionGuard::abandon(int fd) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = pending_.find(fd);
  if (it == pending_.end()) return;
  auto h = perHost_.find(it->second);
  if (h != perHost_.end() && --h->second == 0) perHost_.erase(h);
  pending_.erase(it);
}

void ConnectionGuard::leave(const std::string& host, const std::string& peer) {
  std::lock_guard<std::mutex> lock(mu_);
  byPeer_.erase(peer);
  auto it = perHost_.find(host);
  if (it != perHost_.end() && --it->second == 0) perHost_.erase(it);
}

void ConnectionGuard::headReceived(const std::string& peer) {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = byPeer_.find(peer); it != byPeer_.end()) it->second.headSince = 0;
}

void ConnectionGuard::responseSent(const std::string& peer) {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = byPeer_.find(peer); it != byPeer_.end()) it->second.headSince = nowMs();
}

void ConnectionGuard::closeSlow(const std::string& peer, Entry& e, const char* why) {
  e.headSince = 0;  // once: the connection's thread notices and ends
  try {
    // Wakes the worker blocked in recv(); it sees the end of input and gives the thread back.
    e.socket.shutdown();
  } catch (const Poco::Exception&) {
    // already gone
  }
  common::logger("web").information("web client %s closed: %s", peer, std::string(why));
  common::Metrics::global().increment("mailgate_rate_limited_total", {{"endpoint", "web_request_head"}});
}

void ConnectionGuard::reap() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    cv_.wait_for(lock, std::chrono::milliseconds(200));
    const int64_t now = nowMs();
    std::map<std::string, std::vector<std::pair<int64_t, std::string>>> waiting;  // host -> (since, peer)
    for (auto& [peer, e] : byPeer_) {
      if (e.headSince == 0) continue;
      if (now - e.headSince >= limits_.headDeadline.count()) {
        closeSlow(peer, e, "no complete request head within the deadline");
        continue;
      }
      waiting[e.host].emplace_back(e.headSince, peer);
    }
    for (auto& [host, list] : waiting) {
      if (list.size() <= limits_.slowPerAddress) continue;
      std::sort(list.begin(), list.end());
      for (size_t i = limits_.slowPerAddress; i < list.size(); ++i) {
        if (now - list[i].first < limits_.slowGrace.count()) continue;
        closeSlow(list[i].second, byPeer_[list[i].second], "too many slow connections from that address");
      }
    }
  }
}

}  // namespace mg::web
