#include "ctl/PasswordInput.h"

#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <iostream>

namespace mg::ctl {
namespace {

void stripLineEnd(std::string& s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
}

// Echo must come back even when the operator presses Ctrl-C at the prompt.
struct termios gSavedTermios;
volatile std::sig_atomic_t gEchoOff = 0;

void restoreEchoAndDie(int sig) {
  if (gEchoOff != 0) ::tcsetattr(STDIN_FILENO, TCSANOW, &gSavedTermios);
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

common::Result<std::string> promptNoEcho(const char* prompt) {
  using R = common::Result<std::string>;
  if (::tcgetattr(STDIN_FILENO, &gSavedTermios) != 0) return R::error(std::string("cannot read the terminal: ") + std::strerror(errno));
  struct termios quiet = gSavedTermios;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  auto oldInt = std::signal(SIGINT, restoreEchoAndDie);
  auto oldTerm = std::signal(SIGTERM, restoreEchoAndDie);
  // Echo goes off before the prompt appears: whatever is typed after seeing it stays hidden
  // (and is not thrown away by a flush, as TCSAFLUSH after the prompt would).
  gEchoOff = 1;
  ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  std::cerr << prompt << std::flush;
  std::string line;
  const bool got = static_cast<bool>(std::getline(std::cin, line));
  ::tcsetattr(STDIN_FILENO, TCSANOW, &gSavedTermios);
  gEchoOff = 0;
  std::signal(SIGINT, oldInt);
  std::signal(SIGTERM, oldTerm);
  std::cerr << "\n";
  if (!got) return R::error("no password entered");
  stripLineEnd(line);
  return line;
}

}  // namespace

common::Status PasswordInput::check(const std::string& password) {
  size_t chars = 0;
  for (char c : password) chars += (static_cast<unsigned char>(c) & 0xc0) != 0x80 ? 1 : 0;
  if (chars < kMinLength)
    return common::Status::error("the password has " + std::to_string(chars) + " characters; it needs at least " +
                                 std::to_string(kMinLength));
  return common::Status::success();
}

common::Result<std::string> PasswordInput::fromFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return common::Result<std::string>::error("cannot read --password-file " + path + " (" + std::strerror(errno) + ")");
  std::string line;
  std::getline(in, line);
  stripLineEnd(line);
  if (line.empty()) return common::Result<std::string>::error("--password-file " + path + " is empty");
  return line;
}

common::Result<std::string> PasswordInput::fromStream(std::istream& in) {
  std::string line;
  if (!std::getline(in, line)) return common::Result<std::string>::error("no password on stdin — use --password-file F or run on a terminal");
  stripLineEnd(line);
  return line;
}

common::Result<std::string> PasswordInput::obtain(const std::optional<std::string>& passwordFile) {
  common::Result<std::string> password = std::string();
  if (passwordFile) {
    password = fromFile(*passwordFile);
  } else if (::isatty(STDIN_FILENO) != 0) {
    password = promptNoEcho("Password: ");
    if (password) {
      if (auto st = check(*password); !st.ok()) return common::Result<std::string>(st);
      auto again = promptNoEcho("Password again: ");
      if (!again) return again;
      if (*again != *password) return common::Result<std::string>::error("the two passwords differ — nothing was changed");
    }
  } else {
    password = fromStream(std::cin);
  }
  if (!password) return password;
  if (auto st = check(*password); !st.ok()) return common::Result<std::string>(st);
  return password;
}

common::Result<std::string> PasswordInput::obtainSecret(const std::optional<std::string>& passwordFile,
                                                        const char* prompt) {
  common::Result<std::string> password = std::string();
  if (passwordFile) {
    password = fromFile(*passwordFile);
  } else if (::isatty(STDIN_FILENO) != 0) {
    password = promptNoEcho(prompt);
  } else {
    password = fromStream(std::cin);
  }
  if (password && password->empty()) return common::Result<std::string>::error("the password is empty");
  return password;
}

}  // namespace mg::ctl
