#pragma once
// One IMAP session (RFC 3501 + IDLE, NAMESPACE, UIDPLUS, MOVE, LITERAL+, SASL-IR, ID).
// Not thread-safe except interrupt(): one thread drives a client; another may wake it.
// Every call returns a Result with an operator-readable error
// ("SELECT INBOX.Quarantine: NO [NONEXISTENT] Mailbox doesn't exist: INBOX.Quarantine");
// a network or protocol failure closes the connection (connected() turns false).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/Status.h"
#include "imap/ClientOptions.h"
#include "imap/Command.h"
#include "imap/FolderResolver.h"
#include "imap/ImapTypes.h"
#include "imap/Response.h"
#include "imap/SearchCriteria.h"
#include "imap/UidSet.h"

namespace mg::imap {

class ImapConnection;

enum FetchItem : unsigned {
  kFetchFlags = 1u << 0,
  kFetchInternalDate = 1u << 1,
  kFetchSize = 1u << 2,
  kFetchHeader = 1u << 3,  // BODY.PEEK[HEADER]: does not set \Seen
  kFetchBody = 1u << 4,    // BODY.PEEK[]: the whole message, does not set \Seen
};

enum class StoreMode { Add, Remove, Replace };  // +FLAGS / -FLAGS / FLAGS

class ImapClient {
 public:
  // What a command returned: its untagged responses and the tagged completion.
  struct Reply {
    std::vector<Response> untagged;
    Response completion;
  };

  explicit ImapClient(ClientOptions options);
  ~ImapClient();
  ImapClient(const ImapClient&) = delete;
  ImapClient& operator=(const ImapClient&) = delete;

  // TCP (or TLS) connect, greeting, CAPABILITY, STARTTLS when tls = starttls.
  common::Status connect();
  // AUTHENTICATE PLAIN (with SASL-IR when offered) or LOGIN; refreshes capabilities.
  common::Status login(const std::string& user, const std::string& password);
  // ID (RFC 2971) when offered: sends name/version, returns what the server says of itself.
  common::Result<std::map<std::string, std::string>> id();
  common::Status refreshCapabilities();
  bool hasCapability(std::string_view upperName) const;
  const std::set<std::string>& capabilities() const { return capabilities_; }

  common::Result<Namespaces> namespaces();
  // LIST reference pattern (with RETURN (SPECIAL-USE) when the server supports it).
  common::Result<std::vector<MailboxInfo>> list(const std::string& reference = "", const std::string& pattern = "*");
  // Personal namespace prefix and delimiter: NAMESPACE, else the delimiter of LIST "" "".
  common::Result<FolderLayout> personalLayout();
  common::Status create(const std::string& mailbox);  // an existing mailbox is not an error
  common::Status subscribe(const std::string& mailbox);
  common::Result<MailboxState> select(const std::string& mailbox);
  common::Result<MailboxState> examine(const std::string& mailbox);
  // The selected mailbox, kept current by EXISTS/EXPUNGE; nullopt when none is selected.
  const std::optional<MailboxState>& selected() const { return selected_; }

  common::Result<std::vector<uint32_t>> uidSearch(const SearchCriteria& criteria);
  // UID is always fetched; `items` is a FetchItem mask.
  common::Result<std::vector<FetchedMessage>> uidFetch(const UidSet& uids, unsigned items);
  common::Status uidStore(const UidSet& uids, StoreMode mode, const std::vector<std::string>& flags);
  common::Result<CopyResult> uidCopy(const UidSet& uids, const std::string& mailbox);
  // UID MOVE when offered (and useMove), else UID COPY + UID STORE +FLAGS (\Deleted) +
  // UID EXPUNGE, which needs UIDPLUS so that only these messages are expunged.
  common::Result<CopyResult> uidMove(const UidSet& uids, const std::string& mailbox);
  common::Status uidExpunge(const UidSet& uids);
  // EXPUNGE of every \Deleted message in the selected mailbox: only for servers without
  // UIDPLUS, and only after making sure nothing else there is \Deleted.
  common::Status expunge();
  // Whether uidMove() can work here: MOVE, or COPY + UID EXPUNGE (UIDPLUS).
  bool canMove() const { return (options_.useMove && hasCapability("MOVE")) || hasCapability("UIDPLUS"); }
  // internalDate: Unix seconds; nullopt lets the server use its clock.
  common::Result<AppendResult> append(const std::string& mailbox, std::string_view message,
                                      const std::vector<std::string>& flags, std::optional<int64_t> internalDate);

  common::Result<Activity> noop();
  // Waits up to `timeout` for new, expunged or changed messages in the selected mailbox: IDLE
  // (then DONE) when offered, else sleeps and sends NOOP. Returns Interrupted soon after
  // interrupt() from any thread (the interrupt is consumed). Keep timeout under 29 minutes.
  common::Result<Activity> waitForActivity(std::chrono::milliseconds timeout);
  void interrupt() { interrupt_.store(true); }
  // True while waitForActivity() waits: after the server's "+ idling" (or between NOOP polls)
  // and until DONE. Safe from any thread; lets a test act exactly while the client waits.
  bool waiting() const { return waiting_.load(); }
  bool idleSupported() const { return options_.useIdle && hasCapability("IDLE"); }

  common::Status logout();
  void close();
  bool connected() const;
  const ClientOptions& options() const { return options_; }
  // The tagged completion of the last command (e.g. to see [TRYCREATE] after a failed COPY).
  const std::optional<Response>& lastCompletion() const { return lastCompletion_; }

  // Runs any command; NO/BAD become "context: NO [code] text". Public for rare commands.
  common::Result<Reply> execute(const Command& command, const std::string& context);

 private:
  common::Result<Reply> executeUnguarded(const Command& command, const std::string& context);
  // Sends the command, waiting for "+" before each synchronising literal; returns the tagged
  // completion when the server refuses the command before its last literal.
  std::optional<Response> sendCommand(const std::string& tag, const Command& command, std::vector<Response>& untagged);
  void onUntagged(const Response& r);
  common::Status fail(const std::string& context, const std::string& what);
  common::Status loginWith(AuthMethod method, const std::string& user, const std::string& password);
  common::Result<MailboxState> open(const std::string& verb, const std::string& mailbox);
  common::Result<Activity> idle(std::chrono::milliseconds timeout);
  common::Result<Activity> poll(std::chrono::milliseconds timeout);
  Activity takeActivity(Activity::Kind kind);
  void setCapabilities(const std::vector<Value>& atoms);
  std::string nextTag();

  ClientOptions options_;
  std::unique_ptr<ImapConnection> conn_;
  std::set<std::string> capabilities_;
  std::optional<MailboxState> selected_;
  std::optional<Response> lastCompletion_;
  Activity pending_;          // untagged changes seen since the last report
  std::string byeText_;       // the server said BYE (the next failure explains why)
  std::atomic<bool> interrupt_{false};
  std::atomic<bool> waiting_{false};
  bool preauthenticated_ = false;  // the greeting was PREAUTH
  unsigned tagCounter_ = 0;
};

}  // namespace mg::imap
