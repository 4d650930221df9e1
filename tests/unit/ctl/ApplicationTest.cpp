// The whole program in-process: argv in, exit code and the two streams out. No daemon runs
// here; the online paths are exercised against a closed loopback port (the integration suite
// runs them against a real mailgated).
#include "ctl/Application.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <unistd.h>

#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "TempDir.h"
#include "crypto/TokenHash.h"
#include "store/Database.h"
#include "store/UserRepository.h"

namespace mg::ctl {
namespace {

struct Outcome {
  int code;
  std::string out;
  std::string err;
};

class ApplicationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ::mkdir(dir_.file("data").c_str(), 0700);
    // Port 1 on loopback: nothing listens there, so online commands see "connection refused".
    writeConfig("[storage]\ndata_dir = " + dir_.file("data") + "\n[web]\nlisten = 127.0.0.1:1\ntls = none\n");
  }
  void writeConfig(const std::string& text) { std::ofstream(dir_.file("mailgate.ini")) << text; }
  Outcome run(std::vector<std::string> args) {
    std::ostringstream out, err;
    const int code = Application::run(args, out, err);
    return {code, out.str(), err.str()};
  }
  std::vector<std::string> with(std::vector<std::string> args) {
    args.insert(args.begin(), {"--config", dir_.file("mailgate.ini")});
    return args;
  }
  std::string dataFile(const std::string& name) { return dir_.file("data") + "/" + name; }

  test::TempDir dir_;
};

size_t lineCount(const std::string& s) { return static_cast<size_t>(std::count(s.begin(), s.end(), '\n')); }

TEST_F(ApplicationTest, VersionAndHelp) {
  auto v = run({"--version"});
  EXPECT_EQ(v.code, 0);
  EXPECT_EQ(v.out, std::string("mailgatectl ") + Application::version() + "\n");
  EXPECT_FALSE(std::string(Application::version()).empty());
  auto h = run({"--help"});
  EXPECT_EQ(h.code, 0);
  EXPECT_EQ(h.out.rfind("usage: mailgatectl", 0), 0u);
  EXPECT_TRUE(h.err.empty());
}

TEST_F(ApplicationTest, UsageErrorsExitTwoWithOneLine) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {}, {"nope"}, {"show"}, {"release", "x"}, {"held", "--bogus"}, {"user", "add", "a"}, {"token", "create"}}) {
    auto r = run(args);
    EXPECT_EQ(r.code, 2) << ::testing::PrintToString(args);
    EXPECT_EQ(r.err.rfind("mailgatectl: ", 0), 0u) << r.err;
    EXPECT_NE(r.err.find("(see 'mailgatectl --help')"), std::string::npos);
    EXPECT_EQ(lineCount(r.err), 1u) << r.err;
    EXPECT_TRUE(r.out.empty());
  }
}

TEST_F(ApplicationTest, BadUrlIsAUsageError) {
  auto r = run(with({"--url", "ftp://x", "status"}));
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--url ftp://x"), std::string::npos) << r.err;
}

TEST_F(ApplicationTest, MissingConfigNamesTheFile) {
  auto r = run({"--config", dir_.file("absent.ini"), "held"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "mailgatectl: " + dir_.file("absent.ini") +
                       ": cannot read the configuration file (check the path given with --config)\n");
}

TEST_F(ApplicationTest, ConfigProblemsArePrintedOnePerLine) {
  writeConfig("[storage]\ndata_dir = /x\nbogus = 1\n[web]\nlisten = nowhere\n");
  auto r = run(with({"held"}));
  EXPECT_EQ(r.code, 1);
  EXPECT_GE(lineCount(r.err), 2u) << r.err;
  EXPECT_NE(r.err.find("storage.bogus"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("web.listen"), std::string::npos) << r.err;
}

TEST_F(ApplicationTest, UnreachableDaemonSaysWhereAndWhatToCheck) {
  std::ofstream(dataFile("cli.token")) << "mg_whatever\n";
  auto r = run(with({"held"}));
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err,
            "mailgatectl: cannot reach mailgated at http://127.0.0.1:1 (connection refused) — is it running? "
            "see 'systemctl status mailgated'\n");
}

TEST_F(ApplicationTest, MissingTokenFileIsNamed) {
  auto r = run(with({"release", "4"}));
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("cannot read the API token " + dataFile("cli.token") + " (No such file or directory)"),
            std::string::npos)
      << r.err;
  auto other = run(with({"--token-file", dir_.file("t"), "discard", "4"}));
  EXPECT_NE(other.err.find(dir_.file("t")), std::string::npos) << other.err;
}

TEST_F(ApplicationTest, OfflineUserAddAndTokenCreate) {
  std::ofstream(dir_.file("pw")) << "a long enough password\n";
  auto added = run(with({"user", "add", "alice", "--role", "admin", "--password-file", dir_.file("pw")}));
  EXPECT_EQ(added.code, 0) << added.err;
  EXPECT_EQ(added.out, "added user alice (admin)\n");

  auto dup = run(with({"user", "add", "alice", "--role", "admin", "--password-file", dir_.file("pw")}));
  EXPECT_EQ(dup.code, 1);
  EXPECT_NE(dup.err.find("user 'alice' already exists"), std::string::npos) << dup.err;

  auto token = run(with({"token", "create", "ci", "--role", "reviewer"}));
  EXPECT_EQ(token.code, 0) << token.err;
  ASSERT_EQ(lineCount(token.out), 1u);
  const std::string value = token.out.substr(0, token.out.size() - 1);
  EXPECT_TRUE(crypto::TokenHash::looksLikeToken(value)) << value;
  EXPECT_NE(token.err.find("shown only this once"), std::string::npos);

  auto db = store::Database::open(dataFile("mailgate.db"));
  ASSERT_TRUE(db.ok());
  store::UserRepository users(*db);
  EXPECT_EQ(users.userCount().value(), 1);
  EXPECT_TRUE(users.findTokenByHash(crypto::TokenHash::hashToken(value)).value());
}

TEST_F(ApplicationTest, ShortPasswordIsRefusedBeforeAnythingIsWritten) {
  std::ofstream(dir_.file("pw")) << "short\n";
  auto r = run(with({"user", "add", "bob", "--role", "reviewer", "--password-file", dir_.file("pw")}));
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "mailgatectl: user add bob: the password has 5 characters; it needs at least 10\n");
  EXPECT_NE(::access(dataFile("mailgate.db").c_str(), F_OK), 0);
}

TEST_F(ApplicationTest, WhileTheDaemonHoldsTheLockUserAddGoesThroughTheApi) {
  const int fd = ::open(dataFile("mailgated.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);
  std::ofstream(dataFile("cli.token")) << "mg_whatever\n";
  std::ofstream(dir_.file("pw")) << "a long enough password\n";
  auto r = run(with({"user", "add", "carol", "--role", "admin", "--password-file", dir_.file("pw")}));
  ::close(fd);
  EXPECT_EQ(r.code, 1);
  // It tried the daemon (here: nobody listens) and did not touch the database behind its back.
  EXPECT_NE(r.err.find("cannot reach mailgated at http://127.0.0.1:1"), std::string::npos) << r.err;
  EXPECT_NE(::access(dataFile("mailgate.db").c_str(), F_OK), 0);
}

}  // namespace
}  // namespace mg::ctl
