#include "web/EventHub.h"

#include <gtest/gtest.h>

#include <thread>

using namespace mg;
using web::EventHub;

TEST(EventHubTest, NewStreamsSeeOnlyLaterEventsAndResumeByLastId) {
  common::ManualClock clock;
  EventHub hub(clock);
  hub.publish("message", "{\"id\":1}");
  const uint64_t now = hub.lastId();
  hub.publish("message", "{\"id\":2}");
  hub.publish("health", "{}");
  auto b = hub.next(now, 0);
  ASSERT_EQ(b.events.size(), 2u);
  EXPECT_EQ(b.events[0].data, "{\"id\":2}");
  EXPECT_EQ(b.events[1].name, "health");
  EXPECT_EQ(b.last, b.events[1].id);
  EXPECT_FALSE(b.resync);
  EXPECT_TRUE(hub.next(b.last, 0).events.empty()) << "nothing after the last";
  EXPECT_TRUE(hub.next(0, 0).events.empty()) << "0 means from now on";
}

TEST(EventHubTest, FallingBehindTheRingOrAnotherRunsIdGetsResync) {
  common::ManualClock clock;
  EventHub hub(clock);
  const uint64_t start = hub.lastId();
  for (size_t i = 0; i < EventHub::kHistory + 10; ++i) hub.publish("message", "{}");
  auto behind = hub.next(start, 0);
  EXPECT_TRUE(behind.resync);
  EXPECT_EQ(behind.last, hub.lastId());
  EXPECT_FALSE(hub.next(behind.last, 0).resync);
  EXPECT_TRUE(hub.next(hub.lastId() + 1000, 0).resync) << "an id from a later (or other) run";
  EXPECT_TRUE(hub.next(1, 0).resync) << "an id from an earlier run";
  // Exactly at the edge: the oldest kept event is still delivered.
  auto edge = hub.next(hub.lastId() - EventHub::kHistory, 0);
  EXPECT_FALSE(edge.resync);
  EXPECT_EQ(edge.events.size(), EventHub::kHistory);
}

TEST(EventHubTest, StreamsAreBoundedInAllAndPerAddress) {
  common::ManualClock clock;
  EventHub hub(clock);
  for (unsigned i = 0; i < EventHub::kMaxStreamsPerAddress; ++i) EXPECT_TRUE(hub.openStream("10.0.0.1"));
  EXPECT_FALSE(hub.openStream("10.0.0.1"));
  unsigned others = 0;
  while (hub.openStream("10.0.0." + std::to_string(2 + others))) ++others;
  EXPECT_EQ(hub.streams(), EventHub::kMaxStreams);
  hub.closeStream("10.0.0.1");
  EXPECT_TRUE(hub.openStream("10.0.0.1")) << "a freed place is taken again";
}

TEST(EventHubTest, ShutdownEndsAWaitingStreamAndPollersRun) {
  common::ManualClock clock;
  EventHub hub(clock);
  std::atomic<int> polled{0};
  hub.addPoller([&] { ++polled; });
  hub.start();
  std::thread waiter([&] {
    auto b = hub.next(0, 60'000);
    EXPECT_TRUE(b.closed);
  });
  while (polled.load() == 0) std::this_thread::yield();
  hub.shutdown();
  waiter.join();
  hub.publish("message", "{}");  // ignored after shutdown
  EXPECT_TRUE(hub.next(0, 0).closed);
}
