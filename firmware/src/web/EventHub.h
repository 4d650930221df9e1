#pragma once
// The changes /api/v1/events streams to the page (CONTRACT §4: message, watcher, health,
// notification). Producers publish; each stream reads from one shared ring of the last
// kHistory events at its own pace, so a slow client costs no memory of its own: one that
// falls behind the ring (or reconnects with a Last-Event-ID from before it) is told to
// "resync", i.e. to reload what it shows. Streams are bounded in number, in all and per
// address, because each holds a web worker thread.
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/Clock.h"

namespace mg::web {

struct ServerEvent {
  uint64_t id = 0;
  std::string name;  // message | watcher | health | notification
  std::string data;  // one line of JSON
};

class EventHub {
 public:
  static constexpr size_t kHistory = 256;
  static constexpr unsigned kMaxStreams = 8;
  static constexpr unsigned kMaxStreamsPerAddress = 4;
  static constexpr int64_t kPollMillis = 1000;

  // Ids start at the wall clock in milliseconds, so ids of an earlier run (a browser's
  // Last-Event-ID after a restart) are older than the ring and get a resync.
  explicit EventHub(const common::Clock& clock);
  ~EventHub();  // shutdown()

  void publish(const std::string& name, const std::string& jsonData);

  struct Batch {
    std::vector<ServerEvent> events;
    bool resync = false;  // events after `after` were lost: the client reloads its view
    bool closed = false;  // the daemon is stopping
    uint64_t last = 0;    // the id to wait after next time
  };
  // The events after `after`, waiting up to `timeoutMillis` for one. `after` 0: from now on.
  Batch next(uint64_t after, int64_t timeoutMillis);
  uint64_t lastId();

  // A stream's place: false when all or this address's places are taken.
  bool openStream(const std::string& address);
  void closeStream(const std::string& address);
  unsigned streams();

  // Called every kPollMillis on the hub's thread (for sources without their own
  // notification, such as watcher states), from start() until shutdown().
  void addPoller(std::function<void()> poll);
  void start();
  // Ends every stream's wait at once; publish() after this is ignored.
  void shutdown();

 private:
  void run();

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<ServerEvent> ring_;
  uint64_t nextId_;
  bool closed_ = false;
  unsigned streams_ = 0;
  std::map<std::string, unsigned> perAddress_;
  std::vector<std::function<void()>> pollers_;
  std::thread thread_;
};

}  // namespace mg::web
