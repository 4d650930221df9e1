#include "Subprocess.h"

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace mg::relay::test {
namespace fs = std::filesystem;

Subprocess::Subprocess(std::vector<std::string> argv, uint16_t readyPort) {
  // timeout(1) bounds the peer's life even if this process is SIGKILLed before stop();
  // PR_SET_PDEATHSIG makes timeout (and so its child) go when this process dies. The signal
  // is set on timeout rather than on the peer because a peer that drops privileges (smtp-sink
  // -u) has it cleared by the kernel.
  std::vector<std::string> args = {"/usr/bin/timeout", "-k", "5", "300"};
  args.insert(args.end(), argv.begin(), argv.end());
  const pid_t parent = getpid();
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    setpgid(0, 0);  // own process group: stop() signals the whole group
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(1);  // the parent died before prctl took effect
    std::vector<char*> cargv;
    for (auto& a : args) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    execv(cargv[0], cargv.data());
    _exit(127);
  }
  setpgid(pid_, pid_);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (;;) {
    try {
      Poco::Net::StreamSocket probe;
      probe.connect(Poco::Net::SocketAddress("127.0.0.1", readyPort), Poco::Timespan(1, 0));
      probe.close();
      return;
    } catch (const Poco::Exception&) {
      if (std::chrono::steady_clock::now() > deadline || waitpid(pid_, nullptr, WNOHANG) == pid_) {
        stop();
        throw std::runtime_error(argv.at(0) + " did not start listening on 127.0.0.1:" + std::to_string(readyPort));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
}

Subprocess::~Subprocess() { stop(); }

void Subprocess::stop() {
  if (pid_ <= 0) return;
  kill(-pid_, SIGTERM);
  bool reaped = false;
  for (int i = 0; i < 40 && !reaped; ++i) {
    const pid_t r = waitpid(pid_, nullptr, WNOHANG);
    reaped = r == pid_ || r < 0;
    if (!reaped) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  kill(-pid_, SIGKILL);  // whatever is left of the group
  if (!reaped) waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

uint16_t Subprocess::freePort() {
  Poco::Net::ServerSocket s(Poco::Net::SocketAddress("127.0.0.1", 0));
  const uint16_t port = s.address().port();
  s.close();
  return port;
}

std::string Subprocess::makeTempDir(bool worldWritable) {
  char tmpl[] = "/tmp/mg-relay-test-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
  if (worldWritable) chmod(tmpl, 0777);
  return tmpl;
}

std::string Subprocess::readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> Subprocess::readFiles(const std::string& dir, std::size_t atLeast, int waitMillis) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(waitMillis);
  for (;;) {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) {
      if (e.path().filename().string().rfind("msg.", 0) == 0) names.push_back(e.path().string());
    }
    if (names.size() >= atLeast || std::chrono::steady_clock::now() > deadline) {
      std::sort(names.begin(), names.end());
      std::vector<std::string> out;
      for (const auto& n : names) out.push_back(readFile(n));
      return out;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
}

}  // namespace mg::relay::test
