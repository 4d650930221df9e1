#include "web/EventHub.h"

#include <chrono>

namespace mg::web {

EventHub::EventHub(const common::Clock& clock) : nextId_(static_cast<uint64_t>(clock.nowMillis())) {}

EventHub::~EventHub() { shutdown(); }

void EventHub::publish(const std::string& name, const std::string& jsonData) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_) return;
    ring_.push_back({++nextId_, name, jsonData});
    while (ring_.size() > kHistory) ring_.pop_front();
  }
  cv_.notify_all();
}

uint64_t EventHub::lastId() {
  std::lock_guard<std::mutex> lock(mu_);
  return nextId_;
}

EventHub::Batch EventHub::next(uint64_t after, int64_t timeoutMillis) {
  std::unique_lock<std::mutex> lock(mu_);
  Batch b;
  if (after == 0) after = nextId_;
  // From another run, or older than what the ring still holds: the client missed events.
  const uint64_t oldestKept = ring_.empty() ? nextId_ + 1 : ring_.front().id;
  if (after > nextId_ || after + 1 < oldestKept) {
    b.resync = true;
    b.last = nextId_;
    return b;
  }
  cv_.wait_for(lock, std::chrono::milliseconds(timeoutMillis), [&] { return closed_ || nextId_ > after; });
  b.closed = closed_;
  for (const auto& e : ring_) {
    if (e.id > after) b.events.push_back(e);
  }
  b.last = b.events.empty() ? after : b.events.back().id;
  return b;
}

bool EventHub::openStream(const std::string& address) {
  std::lock_guard<std::mutex> lock(mu_);
  if (closed_ || streams_ >= kMaxStreams || perAddress_[address] >= kMaxStreamsPerAddress) {
    if (perAddress_[address] == 0) perAddress_.erase(address);
    return false;
  }
  ++streams_;
  ++perAddress_[address];
  return true;
}

void EventHub::closeStream(const std::string& address) {
  std::lock_guard<std::mutex> lock(mu_);
  if (streams_ > 0) --streams_;
  auto it = perAddress_.find(address);
  if (it != perAddress_.end() && --it->second == 0) perAddress_.erase(it);
}

unsigned EventHub::streams() {
  std::lock_guard<std::mutex> lock(mu_);
  return streams_;
}

void EventHub::addPoller(std::function<void()> poll) {
  std::lock_guard<std::mutex> lock(mu_);
  pollers_.push_back(std::move(poll));
}

void EventHub::start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable() || closed_) return;
  thread_ = std::thread([this] { run(); });
}

void EventHub::run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!closed_) {
    const auto pollers = pollers_;
    lock.unlock();
    for (const auto& p : pollers) p();
    lock.lock();
    cv_.wait_for(lock, std::chrono::milliseconds(kPollMillis), [this] { return closed_; });
  }
}

void EventHub::shutdown() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

}  // namespace mg::web
