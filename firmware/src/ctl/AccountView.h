#pragma once
// `mailgatectl account list` and `account test` output: pure text from the parsed answers,
// remote strings made safe for the terminal (TerminalText).
#include <cstddef>
#include <string>
#include <vector>

#include "ctl/AccountJson.h"

namespace mg::ctl {

class AccountView {
 public:
  // Header + one row per account (ID, NAME, SERVER user@host:port, TLS, INTERCEPT, ON = enabled,
  // LAST TEST); "no IMAP accounts\n" when empty.
  static std::string formatList(const std::vector<AccountItem>& items, size_t width);
  // `--json`: one compact object per line, as the API sent it.
  static std::string formatJsonLines(const std::vector<AccountItem>& items);
  // One line per stage ("connect     ok      12 ms" / "login       FAILED  40 ms  <error>"),
  // then the verdict.
  static std::string formatTest(const std::string& accountLabel, const AccountTestResult& result);
};

}  // namespace mg::ctl
