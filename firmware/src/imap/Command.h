#pragma once
// Builds the arguments of one IMAP command so that user-controlled text (mailbox names,
// passwords, Message-IDs) is always sent in a form the server parses back to the same bytes:
// an atom only when it is one, a quoted string when that is safe, else a literal.
// Secrets are marked so that the log form shows "********".
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mg::imap {

class Command {
 public:
  struct Segment {
    std::string text;     // bytes sent as-is (protocol text) or the literal's bytes
    bool literal = false; // sent as {n} / {n+} followed by the bytes
    bool secret = false;  // shown as ******** in logs
  };

  Command() = default;
  explicit Command(std::string_view verb) { raw(verb); }

  // Protocol syntax that needs no quoting: "UID", "1:*", "(\Seen $Foo)", "BODY.PEEK[]".
  Command& raw(std::string_view text, bool secret = false);
  // astring: atom, quoted or literal, whichever represents `s` exactly.
  Command& astring(std::string_view s, bool secret = false);
  // A string that must be quoted/literal even if it looks like an atom (SEARCH HEADER values).
  Command& string(std::string_view s, bool secret = false);
  Command& literal(std::string_view bytes);
  Command& number(uint64_t n) { return raw(std::to_string(n)); }
  // A parenthesised flag list "(\Seen $MailgateReleased)"; flags are atoms and checked.
  Command& flagList(const std::vector<std::string>& flags);
  Command& append(const Command& other);

  const std::vector<Segment>& segments() const { return segments_; }
  bool hasLiteral() const;
  // The whole command as one line for logs: literals as {n}, secrets masked.
  std::string logForm() const;

  static bool isAtom(std::string_view s);
  static bool quotable(std::string_view s);  // 7-bit, no CR/LF/NUL
  static bool isFlag(std::string_view s);    // "\Seen", "$MailgateReleased", "Junk"

 private:
  void space();
  std::vector<Segment> segments_;
};

}  // namespace mg::imap
