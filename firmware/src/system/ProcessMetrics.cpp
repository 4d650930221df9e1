#include "system/ProcessMetrics.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "common/Metrics.h"

namespace mg::system {
namespace {

double residentBytes() {
  std::ifstream in("/proc/self/statm");
  long pages = 0, resident = 0;
  if (!(in >> pages >> resident)) return 0;
  return static_cast<double>(resident) * static_cast<double>(::sysconf(_SC_PAGESIZE));
}

double openFds() {
  std::error_code ec;
  double n = 0;
  for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec); !ec && it != std::filesystem::directory_iterator();
       it.increment(ec)) {
    ++n;
  }
  return n > 0 ? n - 1 : 0;  // less the descriptor the listing itself holds open
}

double threads() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("Threads:", 0) == 0) return std::strtod(line.c_str() + 8, nullptr);
  }
  return 0;
}

}  // namespace

void registerProcessMetrics() {
  auto& m = common::Metrics::global();
  m.describe("process_resident_memory_bytes", "gauge", "Resident memory size in bytes");
  m.gaugeFunction("process_resident_memory_bytes", residentBytes);
  m.describe("process_open_fds", "gauge", "Number of open file descriptors");
  m.gaugeFunction("process_open_fds", openFds);
  m.describe("process_threads", "gauge", "Number of OS threads in the process");
  m.gaugeFunction("process_threads", threads);
}

}  // namespace mg::system
