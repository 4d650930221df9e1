#include "imap/FolderResolver.h"

#include <gtest/gtest.h>

namespace mg::imap {
namespace {

std::string resolved(const FolderLayout& l, const std::string& name) {
  auto r = FolderResolver::resolve(l, name);
  EXPECT_TRUE(r.ok()) << r.errorMessage();
  return r.ok() ? r.value() : "";
}

TEST(FolderResolverTest, ThreeLayouts) {
  EXPECT_EQ(resolved({"", "/"}, "Quarantine"), "Quarantine");
  EXPECT_EQ(resolved({"INBOX.", "."}, "Quarantine"), "INBOX.Quarantine");
  EXPECT_EQ(resolved({"INBOX/", "/"}, "Quarantine"), "INBOX/Quarantine");
}

TEST(FolderResolverTest, PathsUseTheServersDelimiter) {
  EXPECT_EQ(resolved({"INBOX.", "."}, "Mailgate/Quarantine"), "INBOX.Mailgate.Quarantine");
  EXPECT_EQ(resolved({"", "/"}, "Mailgate/Quarantine"), "Mailgate/Quarantine");
}

TEST(FolderResolverTest, FullNamesAndInboxAreKept) {
  EXPECT_EQ(resolved({"INBOX.", "."}, "INBOX.Quarantine"), "INBOX.Quarantine");
  EXPECT_EQ(resolved({"INBOX.", "."}, "inbox.Quarantine"), "INBOX.Quarantine");
  EXPECT_EQ(resolved({"INBOX.", "."}, "inbox"), "INBOX");
  EXPECT_EQ(resolved({"", "/"}, " Quarantine "), "Quarantine");
}

TEST(FolderResolverTest, ImpossibleNamesAreErrors) {
  EXPECT_FALSE(FolderResolver::resolve({"INBOX.", "."}, "Quar.antine").ok());
  EXPECT_FALSE(FolderResolver::resolve({"", ""}, "a/b").ok());
  EXPECT_FALSE(FolderResolver::resolve({"", "/"}, "").ok());
  EXPECT_FALSE(FolderResolver::resolve({"", "/"}, "a//b").ok());
  EXPECT_EQ(resolved({"", ""}, "Quarantine"), "Quarantine");
}

TEST(FolderResolverTest, LayoutFromNamespaceOrList) {
  Namespaces ns;
  ns.personal.push_back({"INBOX.", "."});
  const auto a = FolderResolver::layout(&ns, {});
  EXPECT_EQ(a.prefix, "INBOX.");
  EXPECT_EQ(a.delimiter, ".");
  MailboxInfo root;
  root.delimiter = "/";
  const auto b = FolderResolver::layout(nullptr, {root});
  EXPECT_EQ(b.prefix, "");
  EXPECT_EQ(b.delimiter, "/");
}

TEST(FolderResolverTest, FindComparesInboxCaseInsensitively) {
  MailboxInfo m;
  m.name = "INBOX.Quarantine";
  std::vector<MailboxInfo> list{m};
  EXPECT_NE(FolderResolver::find(list, "inbox.Quarantine"), nullptr);
  EXPECT_EQ(FolderResolver::find(list, "INBOX.quarantine"), nullptr);
}

}  // namespace
}  // namespace mg::imap
