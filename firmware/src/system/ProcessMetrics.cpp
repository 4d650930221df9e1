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

uint64_t storageBytesWritten() {
  // write_bytes: what this process caused to be sent to the block device (page cache
  // writeback included), the figure that wears an SD card. 0 on tmpfs, and where the kernel
  // has no task I/O accounting.
  std::ifstream in("/proc/self/io");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("write_bytes:", 0) == 0) return std::strtoull(line.c_str() + 12, nullptr, 10);
  }
  return 0;
}

void registerProcessMetrics() {
  auto& m = common::Metrics::global();
  m.describe("process_resident_memory_bytes", "gauge", "Resident memory size in bytes");
  m.gaugeFunction("process_resident_memory_bytes", residentBytes);
  m.describe("process_open_fds", "gauge", "Number of open file descriptors");
  m.gaugeFunction("process_open_fds", openFds);
  m.describe("process_threads", "gauge", "Number of OS threads in the process");
  m.gaugeFunction("process_threads", threads);
  m.describe("mailgate_storage_bytes_written_total", "counter",
             "Bytes mailgated caused to be written to storage (/proc/self/io write_bytes): SD card wear");
  m.gaugeFunction("mailgate_storage_bytes_written_total", [] { return static_cast<double>(storageBytesWritten()); });
}

}  // namespace mg::system
