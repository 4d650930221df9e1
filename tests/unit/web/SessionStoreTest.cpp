#include "web/SessionStore.h"

#include <gtest/gtest.h>

#include "web/LoginGuard.h"

using namespace mg;
using web::SessionStore;

TEST(SessionStoreTest, IdleExpiryIsRestartedByUseButNotByPeek) {
  common::ManualClock clock;
  SessionStore store(clock);
  const auto s = store.create("alice");
  ASSERT_TRUE(store.find(s.cookie));
  EXPECT_EQ(store.find(s.cookie)->csrfToken, s.csrfToken);
  clock.advance(SessionStore::kIdleMillis - 1);
  ASSERT_TRUE(store.find(s.cookie)) << "used just before the idle limit";
  clock.advance(SessionStore::kIdleMillis - 1);
  ASSERT_TRUE(store.peek(s.cookie)) << "the idle timer started again at the last find";
  clock.advance(1);
  EXPECT_FALSE(store.find(s.cookie)) << "peek did not count as activity";
  EXPECT_EQ(store.size(), 0u);
}

TEST(SessionStoreTest, AbsoluteExpiryEndsABusySession) {
  common::ManualClock clock;
  SessionStore store(clock);
  const auto s = store.create("alice");
  for (int64_t t = 0; t + 10 * 60 * 1000 < SessionStore::kAbsoluteMillis; t += 10 * 60 * 1000) {
    ASSERT_TRUE(store.find(s.cookie)) << t;
    clock.advance(10 * 60 * 1000);
  }
  clock.advance(SessionStore::kAbsoluteMillis % (10 * 60 * 1000) + 10 * 60 * 1000);
  EXPECT_FALSE(store.find(s.cookie));
}

TEST(SessionStoreTest, UnknownMalformedRemovedAndPerUser) {
  common::ManualClock clock;
  SessionStore store(clock);
  const auto a1 = store.create("alice");
  const auto a2 = store.create("alice");
  const auto b = store.create("bob");
  EXPECT_NE(a1.cookie, a2.cookie);
  EXPECT_FALSE(store.find(""));
  EXPECT_FALSE(store.find("mg_nope"));
  EXPECT_FALSE(store.find(a1.csrfToken)) << "the CSRF token is not a cookie";
  store.remove(a1.cookie);
  EXPECT_FALSE(store.find(a1.cookie));
  EXPECT_EQ(store.removeUser("alice"), 1u);
  EXPECT_FALSE(store.find(a2.cookie));
  EXPECT_TRUE(store.find(b.cookie));
  // An admin resetting their own second factor keeps the session they are using.
  const auto b2 = store.create("bob");
  EXPECT_EQ(store.removeUser("bob", b2.cookie), 1u);
  EXPECT_FALSE(store.find(b.cookie));
  EXPECT_TRUE(store.find(b2.cookie));
}

TEST(SessionStoreTest, BoundedDroppingTheLeastRecentlyUsed) {
  common::ManualClock clock;
  SessionStore store(clock);
  const auto first = store.create("first");
  clock.advance(1);
  const auto second = store.create("second");
  for (size_t i = 2; i < SessionStore::kMaxSessions; ++i) {
    clock.advance(1);
    store.create("user" + std::to_string(i));
  }
  clock.advance(1);
  ASSERT_TRUE(store.find(first.cookie));  // now the most recently used
  store.create("one more");
  EXPECT_EQ(store.size(), SessionStore::kMaxSessions);
  EXPECT_TRUE(store.find(first.cookie));
  EXPECT_FALSE(store.find(second.cookie)) << "the least recently used went";
}

TEST(LoginGuardTest, PerUserAndAddressThenPerAddress) {
  common::ManualClock clock;
  web::LoginGuard guard(clock, 3, 60);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(guard.lockedFor("alice", "10.0.0.9"), 0);
    guard.failed("alice", "10.0.0.9");
  }
  EXPECT_EQ(guard.lockedFor("alice", "10.0.0.9"), 60);
  EXPECT_EQ(guard.lockedFor("alice", "10.0.0.8"), 0) << "another address is not locked out by this one";
  EXPECT_EQ(guard.lockedFor("bob", "10.0.0.9"), 0);
  // Inventing names from one address: locked after attempts × kAddressFactor in all.
  for (unsigned i = 3; i < 3 * web::LoginGuard::kAddressFactor; ++i) guard.failed("name" + std::to_string(i), "10.0.0.9");
  EXPECT_GT(guard.lockedFor("bob", "10.0.0.9"), 0);
  clock.advance(60'000);
  EXPECT_EQ(guard.lockedFor("alice", "10.0.0.9"), 0) << "the window passed";
  EXPECT_EQ(guard.lockedFor("bob", "10.0.0.9"), 0);
}

TEST(LoginGuardTest, SuccessForgivesOnlyThePair) {
  common::ManualClock clock;
  web::LoginGuard guard(clock, 2, 60);
  guard.failed("alice", "10.0.0.9");
  guard.failed("carol", "10.0.0.9");
  guard.succeeded("alice", "10.0.0.9");
  guard.failed("alice", "10.0.0.9");
  EXPECT_EQ(guard.lockedFor("alice", "10.0.0.9"), 0) << "one failure since the success";
  guard.failed("carol", "10.0.0.9");
  EXPECT_GT(guard.lockedFor("carol", "10.0.0.9"), 0) << "alice's success did not forgive carol's guesses";
}
