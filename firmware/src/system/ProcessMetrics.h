#pragma once
// The process's own figures for Prometheus, read from /proc when scraped: resident memory,
// open file descriptors, threads (the names Prometheus' client libraries use), and the bytes
// it caused to be written to storage (mailgate_storage_bytes_written_total).
#include <cstdint>

namespace mg::system {

void registerProcessMetrics();
// /proc/self/io write_bytes (0 when unavailable).
uint64_t storageBytesWritten();

}  // namespace mg::system
