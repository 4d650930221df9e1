#include "imap/Decoders.h"

#include <gtest/gtest.h>

#include "imap/ResponseParser.h"

namespace mg::imap {
namespace {

Response parse(const std::string& line) {
  ResponseParser p;
  p.feed(line);
  auto r = p.next();
  EXPECT_TRUE(r.ok() && r.value()) << line << " " << r.errorMessage();
  return r.ok() && r.value() ? *r.value() : Response();
}

TEST(DecodersTest, Namespaces) {
  auto ns = decode::namespaces(parse("* NAMESPACE ((\"INBOX.\" \".\")) ((\"user.\" \".\")) NIL\r\n"));
  ASSERT_TRUE(ns.ok());
  ASSERT_EQ(ns->personal.size(), 1u);
  EXPECT_EQ(ns->personal[0].prefix, "INBOX.");
  EXPECT_EQ(ns->personal[0].delimiter, ".");
  EXPECT_EQ(ns->otherUsers.size(), 1u);
  EXPECT_TRUE(ns->shared.empty());
  auto flat = decode::namespaces(parse("* NAMESPACE ((\"\" NIL)) NIL NIL\r\n"));
  ASSERT_TRUE(flat.ok());
  EXPECT_EQ(flat->personal[0].delimiter, "");
  EXPECT_FALSE(decode::namespaces(parse("* NAMESPACE (\"x\") NIL NIL\r\n")).ok());
}

TEST(DecodersTest, ListEntryWithSpecialUseAndNoselect) {
  auto e = decode::listEntry(parse("* LIST (\\HasNoChildren \\Trash) \"/\" Trash\r\n"));
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->specialUse(), "\\Trash");
  EXPECT_TRUE(e->selectable());
  auto n = decode::listEntry(parse("* LIST (\\Noselect \\HasChildren) \".\" \"INBOX.a b\"\r\n"));
  ASSERT_TRUE(n.ok());
  EXPECT_FALSE(n->selectable());
  EXPECT_EQ(n->name, "INBOX.a b");
  auto inbox = decode::listEntry(parse("* LIST () NIL inbox\r\n"));
  EXPECT_EQ(inbox->name, "INBOX");
  EXPECT_EQ(inbox->delimiter, "");
}

TEST(DecodersTest, FetchAllItems) {
  auto m = decode::fetch(parse(
      "* 2 FETCH (UID 17 FLAGS (\\Seen $MailgateReleased) INTERNALDATE \"01-Jan-2024 10:00:00 +0000\" "
      "RFC822.SIZE 44 BODY[HEADER] {4}\r\nA: b BODY[] {3}\r\nxyz)\r\n"));
  ASSERT_TRUE(m.ok()) << m.errorMessage();
  EXPECT_EQ(m->sequence, 2u);
  EXPECT_EQ(m->uid, 17u);
  EXPECT_TRUE(m->hasFlag("$mailgatereleased"));
  EXPECT_EQ(m->internalTime.value_or(0), 1704103200);
  EXPECT_EQ(m->size, 44u);
  EXPECT_EQ(m->header.value_or(""), "A: b");
  EXPECT_EQ(m->body.value_or(""), "xyz");
  EXPECT_FALSE(decode::fetch(parse("* 2 FETCH (UID)\r\n")).ok());
}

TEST(DecodersTest, SearchAndId) {
  EXPECT_EQ(decode::search(parse("* SEARCH 3 5 8\r\n")), (std::vector<uint32_t>{3, 5, 8}));
  EXPECT_TRUE(decode::search(parse("* SEARCH\r\n")).empty());
  auto id = decode::id(parse("* ID (\"name\" \"Dovecot\" \"version\" NIL)\r\n"));
  EXPECT_EQ(id["name"], "Dovecot");
  EXPECT_EQ(id["version"], "");
}

TEST(DecodersTest, CopyUidMapsRangesInOrder) {
  auto r = parse("A1 OK [COPYUID 38505 304,319:320 3956:3958] Done\r\n");
  auto c = decode::copyUid(*r.code);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->uidValidity, 38505u);
  ASSERT_EQ(c->uids.size(), 3u);
  EXPECT_EQ(c->uids[1], (std::pair<uint32_t, uint32_t>{319, 3957}));
  auto mismatch = parse("A1 OK [COPYUID 1 1:3 5] Done\r\n");
  EXPECT_FALSE(decode::copyUid(*mismatch.code));
  auto huge = parse("A1 OK [COPYUID 1 1:4294967295 1:4294967295] Done\r\n");
  EXPECT_FALSE(decode::copyUid(*huge.code));  // refuses to expand 4 billion UIDs
}

TEST(DecodersTest, AppendUid) {
  auto r = parse("A1 OK [APPENDUID 1795447455 9] Append completed.\r\n");
  auto a = decode::appendUid(*r.code);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->uidValidity, 1795447455u);
  EXPECT_EQ(a->uid, 9u);
}

TEST(DecodersTest, MailboxStateFromSelect) {
  MailboxState s;
  for (const char* line : {"* FLAGS (\\Answered \\Seen)\r\n", "* 4 EXISTS\r\n", "* 1 RECENT\r\n",
                           "* OK [UIDVALIDITY 77] UIDs valid\r\n", "* OK [UIDNEXT 9] Predicted\r\n",
                           "* OK [PERMANENTFLAGS (\\Seen \\*)] Flags\r\n", "* 2 EXPUNGE\r\n"}) {
    decode::applyToMailbox(parse(line), s);
  }
  EXPECT_EQ(s.uidValidity, 77u);
  EXPECT_EQ(s.uidNext, 9u);
  EXPECT_EQ(s.exists, 3u);
  EXPECT_EQ(s.recent, 1u);
  EXPECT_EQ(s.permanentFlags.size(), 2u);
  EXPECT_EQ(s.flags.size(), 2u);
}

TEST(DecodersTest, CapabilitiesAreUpperCased) {
  auto caps = decode::capabilities(parse("* CAPABILITY imap4rev1 Idle AUTH=plain\r\n").data);
  EXPECT_EQ(caps.count("IDLE"), 1u);
  EXPECT_EQ(caps.count("AUTH=PLAIN"), 1u);
}

}  // namespace
}  // namespace mg::imap
