#include "TestProcess.h"

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

namespace mg::imap::test {

uint16_t TestProcess::freePort() {
  // Never the same port twice in one test process: the kernel may offer a just-closed
  // ephemeral port again at once, and two listeners of one server would then collide.
  static std::mutex mu;
  static std::set<uint16_t> handedOut;
  std::lock_guard<std::mutex> lock(mu);
  for (int i = 0; i < 100; ++i) {
    Poco::Net::ServerSocket s(Poco::Net::SocketAddress("127.0.0.1", 0));
    const uint16_t port = s.address().port();
    s.close();
    if (handedOut.insert(port).second) return port;
  }
  throw std::runtime_error("no fresh free port on 127.0.0.1 after 100 tries");
}

bool TestProcess::accepts(uint16_t port) {
  try {
    Poco::Net::StreamSocket probe;
    probe.connect(Poco::Net::SocketAddress("127.0.0.1", port), Poco::Timespan(1, 0));
    probe.close();
    return true;
  } catch (const Poco::Exception&) {
    return false;
  }
}

void TestProcess::start(const std::vector<std::string>& argv, uint16_t readyPort, unsigned lifetimeSeconds) {
  stop();
  // timeout(1) bounds the server's life even if the test is SIGKILLed; PR_SET_PDEATHSIG is set
  // on timeout (which stays root) because a server that changes user has it cleared.
  std::vector<std::string> args = {"/usr/bin/timeout", "-k", "5", std::to_string(lifetimeSeconds)};
  args.insert(args.end(), argv.begin(), argv.end());
  const pid_t parent = getpid();
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(1);
    std::vector<char*> cargv;
    for (auto& a : args) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    execv(cargv[0], cargv.data());
    _exit(127);
  }
  setpgid(pid_, pid_);
  port_ = readyPort;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (!accepts(readyPort)) {
    if (std::chrono::steady_clock::now() > deadline || waitpid(pid_, nullptr, WNOHANG) == pid_) {
      stop();
      throw std::runtime_error(argv.at(0) + " did not start listening on 127.0.0.1:" + std::to_string(readyPort));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
  }
}

void TestProcess::stop() {
  if (pid_ <= 0) return;
  kill(-pid_, SIGTERM);
  bool reaped = false;
  for (int i = 0; i < 40 && !reaped; ++i) {
    const pid_t r = waitpid(pid_, nullptr, WNOHANG);
    reaped = r == pid_ || r < 0;
    if (!reaped) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  kill(-pid_, SIGKILL);  // whatever is left of the group (imap, auth, login processes)
  if (!reaped) waitpid(pid_, nullptr, 0);
  pid_ = -1;
  // Dovecot's children may outlive the master for a moment; the port must be free for a restart.
  for (int i = 0; i < 100 && port_ != 0 && accepts(port_); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
}

}  // namespace mg::imap::test
