#pragma once
// The process's own figures for Prometheus, read from /proc when scraped: resident memory,
// open file descriptors, threads (the names Prometheus' client libraries use).
namespace mg::system {

void registerProcessMetrics();

}  // namespace mg::system
