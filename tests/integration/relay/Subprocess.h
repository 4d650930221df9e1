#pragma once
// A peer process for an integration test: its own process group, stopped by the destructor,
// bounded by timeout(1) and killed with the test process if that dies first.
#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace mg::relay::test {

class Subprocess {
 public:
  // Runs `argv` under `timeout -k 5 300` and waits until 127.0.0.1:`readyPort` accepts.
  Subprocess(std::vector<std::string> argv, uint16_t readyPort);
  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;
  void stop();

  static uint16_t freePort();  // a 127.0.0.1 port nobody listens on (just now)
  static std::string makeTempDir(bool worldWritable);
  static std::string readFile(const std::string& path);
  // Every file in `dir`, sorted by name, waiting up to `waitMillis` for at least `atLeast`.
  static std::vector<std::string> readFiles(const std::string& dir, std::size_t atLeast, int waitMillis);

 private:
  pid_t pid_ = -1;
};

}  // namespace mg::relay::test
