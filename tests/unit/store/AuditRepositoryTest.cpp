#include "store/AuditRepository.h"

#include <Poco/Data/Session.h>
#include <gtest/gtest.h>

#include "TempDir.h"

using namespace mg::store;

TEST(AuditRepositoryTest, ChainVerifiesAndDetectsTampering) {
  mg::test::TempDir dir;
  auto db = Database::open(dir.file("m.db"));
  ASSERT_TRUE(db.ok());
  AuditRepository audit(db.value());
  ASSERT_TRUE(audit.append("alice", "release", 1, "{}", 100).ok());
  ASSERT_TRUE(audit.append("bob", "discard", 2, "{}", 200).ok());
  ASSERT_TRUE(audit.append("alice", "rule.create", 0, "{\"id\":1}", 300).ok());
  auto v = audit.verify().value();
  EXPECT_TRUE(v.ok);
  EXPECT_EQ(v.entries, 3);
  AuditFilter f;
  f.user = "alice";
  EXPECT_EQ(audit.list(f).value().size(), 2u);
  AuditFilter byAction;
  byAction.action = "rule.*";
  EXPECT_EQ(audit.list(byAction).value().size(), 1u);

  (*db)->locked([](Poco::Data::Session& s) {
    s << "UPDATE audit SET user = 'mallory' WHERE seq = 2", Poco::Data::Keywords::now;
    return 0;
  });
  v = audit.verify().value();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.firstBadSeq, 2);
}
