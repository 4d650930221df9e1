#pragma once
// Plain results of IMAP commands, decoded from responses (see Decoders.h).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mg::imap {

// One NAMESPACE entry (RFC 2342): prefix "INBOX." with delimiter ".", or "" with "/".
struct Namespace {
  std::string prefix;
  std::string delimiter;  // empty when the server says NIL (a flat namespace)
};

struct Namespaces {
  std::vector<Namespace> personal, otherUsers, shared;
};

// One LIST line: (\HasNoChildren \Trash) "/" Trash
struct MailboxInfo {
  std::string name;                    // as the server spells it (modified UTF-7 undecoded)
  std::string delimiter;               // empty for NIL
  std::vector<std::string> attributes; // as sent: "\Noselect", "\Trash", "\HasChildren"

  bool hasAttribute(std::string_view attribute) const;  // case-insensitive
  bool selectable() const { return !hasAttribute("\\Noselect") && !hasAttribute("\\NonExistent"); }
  // The RFC 6154 role ("\Trash", "\Junk", "\Sent", "\Drafts", "\Archive", "\All", "\Flagged"), or "".
  std::string specialUse() const;
};

// What SELECT/EXAMINE reported.
struct MailboxState {
  std::string name;
  uint32_t uidValidity = 0;
  uint32_t uidNext = 0;       // 0 when the server did not say
  uint32_t exists = 0;
  uint32_t recent = 0;
  bool readOnly = false;
  std::vector<std::string> flags;
  std::vector<std::string> permanentFlags;  // includes "\*" when new keywords may be created
};

// One message of a UID FETCH.
struct FetchedMessage {
  uint32_t sequence = 0;
  uint32_t uid = 0;
  std::vector<std::string> flags;
  std::string internalDate;           // as sent: "17-Jul-1996 02:44:25 -0700"
  std::optional<int64_t> internalTime;  // the same as Unix seconds, when it parses
  uint64_t size = 0;                  // RFC822.SIZE
  std::optional<std::string> header;  // BODY[HEADER]
  std::optional<std::string> body;    // BODY[] (the whole message)

  bool hasFlag(std::string_view flag) const;  // case-insensitive
};

// COPYUID / APPENDUID (RFC 4315): where the server put what we copied, moved or appended.
struct CopyResult {
  uint32_t uidValidity = 0;                           // of the destination; 0 without UIDPLUS
  std::vector<std::pair<uint32_t, uint32_t>> uids;    // source UID → destination UID
  bool usedMove = false;                              // false: COPY + \Deleted + UID EXPUNGE
};

struct AppendResult {
  uint32_t uidValidity = 0;  // 0 when the server has no UIDPLUS
  uint32_t uid = 0;
};

// What IDLE or a poll saw in the selected mailbox.
struct Activity {
  enum class Kind { Changed, Timeout, Interrupted };
  Kind kind = Kind::Timeout;
  uint32_t exists = 0;      // latest EXISTS count
  bool newMessages = false; // EXISTS grew (or arrived) during the wait
  bool expunged = false;
  bool flagsChanged = false;  // an untagged FETCH (someone else changed flags)
};

}  // namespace mg::imap
