#pragma once
// A server process for a test: its own process group, bounded by timeout(1), killed with the
// test process (PR_SET_PDEATHSIG on the timeout wrapper), stopped by the destructor.
#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace mg::imap::test {

class TestProcess {
 public:
  TestProcess() = default;
  ~TestProcess() { stop(); }
  TestProcess(const TestProcess&) = delete;
  TestProcess& operator=(const TestProcess&) = delete;

  // Runs argv (under `timeout -k 5 <lifetimeSeconds>`) and waits until 127.0.0.1:readyPort
  // accepts; throws std::runtime_error (with `diagnostics()` of the caller) if it does not.
  void start(const std::vector<std::string>& argv, uint16_t readyPort, unsigned lifetimeSeconds = 600);
  // SIGTERM to the group, SIGKILL to what is left after 2 s; waits until readyPort is closed.
  void stop();
  bool running() const { return pid_ > 0; }

  static uint16_t freePort();
  static bool accepts(uint16_t port);

 private:
  pid_t pid_ = -1;
  uint16_t port_ = 0;
};

}  // namespace mg::imap::test
