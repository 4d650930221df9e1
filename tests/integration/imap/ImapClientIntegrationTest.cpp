// Session basics against Dovecot: login, capabilities, namespaces, folders, errors, timeouts,
// server restarts.
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>

#include "ImapTestSupport.h"
#include "TestProcess.h"

namespace mg::imap::test {
namespace {

class ImapClientTest : public DovecotTest {};

TEST_P(ImapClientTest, LoginWithPlainAndLoginAndCapabilities) {
  for (AuthMethod m : {AuthMethod::Auto, AuthMethod::Plain, AuthMethod::Login}) {
    ClientOptions o = server_->clientOptions();
    o.auth = m;
    ImapClient c(o);
    ASSERT_TRUE(c.connect().ok());
    EXPECT_TRUE(c.hasCapability("IMAP4REV1"));
    EXPECT_TRUE(c.hasCapability("AUTH=PLAIN"));
    EXPECT_FALSE(c.hasCapability("MOVE"));  // Dovecot lists it only after login
    auto s = c.login("alice", "alice-pw");
    ASSERT_TRUE(s.ok()) << s.message();
    EXPECT_TRUE(c.hasCapability("MOVE"));
    EXPECT_TRUE(c.hasCapability("UIDPLUS"));
    EXPECT_TRUE(c.hasCapability("NAMESPACE"));
    EXPECT_TRUE(c.hasCapability("IDLE"));
    EXPECT_TRUE(c.logout().ok());
    EXPECT_FALSE(c.connected());
  }
}

TEST_P(ImapClientTest, BadPasswordGivesTheServersReason) {
  for (AuthMethod m : {AuthMethod::Plain, AuthMethod::Login}) {
    ClientOptions o = server_->clientOptions();
    o.auth = m;
    ImapClient c(o);
    ASSERT_TRUE(c.connect().ok());
    auto s = c.login("alice", "wrong \"password\"");
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.message(), "login failed: [AUTHENTICATIONFAILED] Authentication failed.");
    EXPECT_EQ(s.message().find("wrong"), std::string::npos);
  }
}

TEST_P(ImapClientTest, PasswordWithSpecialCharactersLogsIn) {
  server_->addUser("bob", "p a\"s\\s{3}");
  for (AuthMethod m : {AuthMethod::Plain, AuthMethod::Login}) {
    ClientOptions o = server_->clientOptions();
    o.auth = m;
    ImapClient c(o);
    ASSERT_TRUE(c.connect().ok());
    auto s = c.login("bob", "p a\"s\\s{3}");
    EXPECT_TRUE(s.ok()) << s.message();
  }
}

TEST_P(ImapClientTest, IdExchangesNames) {
  auto c = client();
  auto id = c->id();
  ASSERT_TRUE(id.ok()) << id.errorMessage();
  EXPECT_EQ(id->count("name"), 1u);
  EXPECT_EQ(id->at("name"), "Dovecot");
}

TEST_P(ImapClientTest, NamespaceAndListGiveTheDelimiterAndTheQuarantineName) {
  auto c = client();
  auto ns = c->namespaces();
  ASSERT_TRUE(ns.ok()) << ns.errorMessage();
  ASSERT_FALSE(ns->personal.empty());
  const bool dot = GetParam() == NamespaceLayout::DotInboxPrefix;
  EXPECT_EQ(ns->personal[0].prefix, dot ? "INBOX." : "");
  EXPECT_EQ(ns->personal[0].delimiter, dot ? "." : "/");
  auto list = c->list();
  ASSERT_TRUE(list.ok()) << list.errorMessage();
  const MailboxInfo* inbox = FolderResolver::find(*list, "INBOX");
  ASSERT_NE(inbox, nullptr);
  EXPECT_EQ(inbox->delimiter, dot ? "." : "/");
  auto layout = c->personalLayout();
  ASSERT_TRUE(layout.ok());
  auto name = FolderResolver::resolve(*layout, "Quarantine");
  ASSERT_TRUE(name.ok());
  EXPECT_EQ(*name, server_->folder("Quarantine"));
  EXPECT_EQ(*name, dot ? "INBOX.Quarantine" : "Quarantine");
}

TEST_P(ImapClientTest, CreateAndSubscribeQuarantineTwice) {
  auto c = client();
  const std::string q = server_->folder("Quarantine");
  ASSERT_TRUE(c->create(q).ok());
  ASSERT_TRUE(c->create(q).ok()) << "an existing folder is not an error";
  ASSERT_TRUE(c->subscribe(q).ok());
  auto list = c->list();
  ASSERT_TRUE(list.ok());
  const MailboxInfo* m = FolderResolver::find(*list, q);
  ASSERT_NE(m, nullptr);
  EXPECT_TRUE(m->selectable());
  auto sel = c->select(q);
  ASSERT_TRUE(sel.ok()) << sel.errorMessage();
  EXPECT_EQ(sel->exists, 0u);
}

TEST_P(ImapClientTest, SelectingAMissingFolderSaysSo) {
  auto c = client();
  const std::string q = server_->folder("Quarantine");
  auto sel = c->select(q);
  ASSERT_FALSE(sel.ok());
  EXPECT_EQ(sel.errorMessage().rfind("SELECT " + q + ": NO ", 0), 0u) << sel.errorMessage();
  EXPECT_NE(sel.errorMessage().find("Mailbox doesn't exist"), std::string::npos) << sel.errorMessage();
  EXPECT_FALSE(c->selected());
  EXPECT_TRUE(c->connected()) << "a NO keeps the session";
}

TEST_P(ImapClientTest, FolderDeletedBehindTheClientsBack) {
  auto c = client();
  const std::string q = server_->folder("Quarantine");
  ASSERT_TRUE(c->create(q).ok());
  ASSERT_TRUE(server_->deleteFolderAs("alice", "alice-pw", q).ok());
  auto sel = c->examine(q);
  ASSERT_FALSE(sel.ok());
  EXPECT_NE(sel.errorMessage().find("EXAMINE " + q + ": NO"), std::string::npos) << sel.errorMessage();
}

TEST_P(ImapClientTest, ServerRestartBreaksTheSessionAndDataSurvives) {
  const std::string q = server_->folder("Quarantine");
  auto c = client();
  ASSERT_TRUE(c->create(q).ok());
  server_->stop();
  auto r = c->noop();
  EXPECT_FALSE(r.ok());
  EXPECT_FALSE(c->connected());
  ImapClient down(server_->clientOptions());
  auto s = down.connect();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("connect 127.0.0.1:"), std::string::npos) << s.message();
  server_->start();
  auto again = client();
  EXPECT_TRUE(again->select(q).ok());
}

TEST_P(ImapClientTest, CommandsWithoutAConnectionFailCleanly) {
  ImapClient c(server_->clientOptions());
  EXPECT_EQ(c.select("INBOX").errorMessage(), "SELECT INBOX: not connected");
  EXPECT_FALSE(c.noop().ok());
}

INSTANTIATE_TEST_SUITE_P(Layouts, ImapClientTest,
                         ::testing::Values(NamespaceLayout::SlashNoPrefix, NamespaceLayout::DotInboxPrefix), layoutName);

// A peer that accepts TCP but never says a word: the greeting read must time out.
TEST(ImapTimeoutTest, SilentServerTimesOut) {
  Poco::Net::ServerSocket silent(Poco::Net::SocketAddress("127.0.0.1", 0));
  ClientOptions o;
  o.port = silent.address().port();
  o.timeout = std::chrono::milliseconds(300);
  ImapClient c(o);
  auto s = c.connect();  // the peer never answers: only the read timeout can end this
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("greeting from 127.0.0.1"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("timed out"), std::string::npos) << s.message();
}

TEST(ImapTimeoutTest, RefusedConnection) {
  ClientOptions o;
  o.port = TestProcess::freePort();
  ImapClient c(o);
  auto s = c.connect();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("connection refused"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace mg::imap::test
