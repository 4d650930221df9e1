#pragma once
// A small Prometheus registry: counters, gauges and histograms with labels, rendered in the
// text exposition format. Modules register what they export; /metrics renders it.
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace mg::common {

using Labels = std::map<std::string, std::string>;

class Metrics {
 public:
  static Metrics& global();

  void describe(const std::string& name, const std::string& type, const std::string& help);
  void increment(const std::string& name, const Labels& labels = {}, double by = 1.0);
  void set(const std::string& name, const Labels& labels, double value);
  void set(const std::string& name, double value) { set(name, {}, value); }
  void observe(const std::string& name, double value, const Labels& labels = {});
  // A gauge computed when scraped (e.g. held messages, disk free).
  void gaugeFunction(const std::string& name, std::function<double()> fn);
  // One series goes (a relay a reload removed); a family's gauge function goes with {}.
  void remove(const std::string& name, const Labels& labels);
  void removeGaugeFunction(const std::string& name);
  double value(const std::string& name, const Labels& labels = {}) const;

  std::string render() const;
  void reset();  // tests only

 private:
  struct Family {
    std::string type = "gauge";
    std::string help;
    std::map<Labels, double> values;
    std::map<Labels, std::vector<uint64_t>> buckets;  // histograms: cumulative counts per bound
    std::map<Labels, double> sums;
    std::map<Labels, uint64_t> counts;
    std::function<double()> fn;
  };
  mutable std::mutex mu_;
  std::map<std::string, Family> families_;
};

}  // namespace mg::common
