#include "common/Metrics.h"

#include <charconv>
#include <cmath>
#include <sstream>

namespace mg::common {
namespace {

const std::vector<double> kBounds = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};

std::string escapeLabel(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') { out += "\\n"; continue; }
    out += c;
  }
  return out;
}

std::string renderLabels(const Labels& labels, const std::string& extraKey = "", const std::string& extraValue = "") {
  if (labels.empty() && extraKey.empty()) return "";
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : labels) {
    if (!first) out += ",";
    out += k + "=\"" + escapeLabel(v) + "\"";
    first = false;
  }
  if (!extraKey.empty()) {
    if (!first) out += ",";
    out += extraKey + "=\"" + extraValue + "\"";
  }
  return out + "}";
}

std::string number(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (std::isnan(v)) return "NaN";  // a gauge that cannot be read right now
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);  // shortest form that round-trips
  return std::string(buf, r.ptr);
}

}  // namespace

Metrics& Metrics::global() {
  static Metrics m;
  return m;
}

void Metrics::describe(const std::string& name, const std::string& type, const std::string& help) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& f = families_[name];
  f.type = type;
  f.help = help;
  // A histogram shows its buckets (all 0) before the first sample: a scrape then sees the
  // series exist, and rate() over them starts from zero instead of from nothing.
  if (type == "histogram" && f.buckets.empty()) {
    f.buckets[{}].assign(kBounds.size(), 0);
    f.sums[{}] = 0;
    f.counts[{}] = 0;
  }
}

void Metrics::increment(const std::string& name, const Labels& labels, double by) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& f = families_[name];
  if (f.help.empty() && f.type == "gauge") f.type = "counter";
  f.values[labels] += by;
}

void Metrics::set(const std::string& name, const Labels& labels, double value) {
  std::lock_guard<std::mutex> lock(mu_);
  families_[name].values[labels] = value;
}

void Metrics::remove(const std::string& name, const Labels& labels) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = families_.find(name);
  if (it == families_.end()) return;
  it->second.values.erase(labels);
  it->second.buckets.erase(labels);
  it->second.sums.erase(labels);
  it->second.counts.erase(labels);
}

void Metrics::removeGaugeFunction(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = families_.find(name);
  if (it != families_.end()) it->second.fn = nullptr;
}

void Metrics::observe(const std::string& name, double value, const Labels& labels) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& f = families_[name];
  f.type = "histogram";
  auto& b = f.buckets[labels];
  if (b.empty()) b.assign(kBounds.size(), 0);
  for (size_t i = 0; i < kBounds.size(); ++i) {
    if (value <= kBounds[i]) ++b[i];
  }
  f.sums[labels] += value;
  f.counts[labels] += 1;
}

void Metrics::gaugeFunction(const std::string& name, std::function<double()> fn) {
  std::lock_guard<std::mutex> lock(mu_);
  families_[name].fn = std::move(fn);
}

double Metrics::value(const std::string& name, const Labels& labels) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = families_.find(name);
  if (it == families_.end()) return 0;
  if (it->second.fn) return it->second.fn();
  auto v = it->second.values.find(labels);
  return v == it->second.values.end() ? 0 : v->second;
}

std::string Metrics::render() const {
  std::map<std::string, Family> copy;
  {
    std::lock_guard<std::mutex> lock(mu_);
    copy = families_;
  }
  std::ostringstream out;
  for (const auto& [name, f] : copy) {
    if (!f.help.empty()) out << "# HELP " << name << " " << f.help << "\n";
    out << "# TYPE " << name << " " << f.type << "\n";
    if (f.fn) {
      out << name << " " << number(f.fn()) << "\n";
      continue;
    }
    if (f.type == "histogram") {
      for (const auto& [labels, b] : f.buckets) {
        for (size_t i = 0; i < kBounds.size(); ++i) {
          out << name << "_bucket" << renderLabels(labels, "le", number(kBounds[i])) << " " << b[i] << "\n";
        }
        out << name << "_bucket" << renderLabels(labels, "le", "+Inf") << " " << f.counts.at(labels) << "\n";
        out << name << "_sum" << renderLabels(labels) << " " << number(f.sums.at(labels)) << "\n";
        out << name << "_count" << renderLabels(labels) << " " << f.counts.at(labels) << "\n";
      }
      continue;
    }
    for (const auto& [labels, v] : f.values) out << name << renderLabels(labels) << " " << number(v) << "\n";
  }
  return out.str();
}

void Metrics::reset() {
  std::lock_guard<std::mutex> lock(mu_);
  families_.clear();
}

}  // namespace mg::common
