#include "store/Database.h"

#include <Poco/Data/Session.h>
#include <gtest/gtest.h>

#include "TempDir.h"
#include "store/Migrations.h"

using namespace mg::store;

TEST(DatabaseTest, OpenAppliesEveryMigrationOnceAndUsesWal) {
  mg::test::TempDir dir;
  {
    auto db = Database::open(dir.file("m.db"));
    ASSERT_TRUE(db.ok()) << db.errorMessage();
    EXPECT_EQ((*db)->schemaVersion().value(), static_cast<int>(migrations().size()));
    std::string mode = (*db)->locked([](Poco::Data::Session& s) {
      std::string m;
      s << "PRAGMA journal_mode", Poco::Data::Keywords::into(m), Poco::Data::Keywords::now;
      return m;
    });
    EXPECT_EQ(mode, "wal");
  }
  auto again = Database::open(dir.file("m.db"));  // re-open: nothing to migrate, no error
  ASSERT_TRUE(again.ok()) << again.errorMessage();
}

TEST(DatabaseTest, RefusesANewerSchemaWithAClearMessage) {
  mg::test::TempDir dir;
  {
    auto db = Database::open(dir.file("m.db"));
    ASSERT_TRUE(db.ok());
    (*db)->locked([](Poco::Data::Session& s) {
      s << "PRAGMA user_version=999", Poco::Data::Keywords::now;
      return 0;
    });
  }
  auto db = Database::open(dir.file("m.db"));
  ASSERT_FALSE(db.ok());
  EXPECT_NE(db.errorMessage().find("newer"), std::string::npos);
}

TEST(DatabaseTest, UnopenablePathIsAnErrorNotAnException) {
  auto db = Database::open("/nonexistent-dir/x/m.db");
  EXPECT_FALSE(db.ok());
}
