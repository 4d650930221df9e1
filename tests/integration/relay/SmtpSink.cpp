#include "SmtpSink.h"

#include <unistd.h>

#include <filesystem>

namespace mg::relay::test {

bool SmtpSink::available() { return access(kBinary, X_OK) == 0; }

SmtpSink::SmtpSink(std::vector<std::string> extraArgs) {
  // As root smtp-sink insists on dropping to a user (-u), who then writes the dumps here.
  const bool root = geteuid() == 0;
  dir_ = Subprocess::makeTempDir(root);
  port_ = freePort();
  std::vector<std::string> args = {kBinary};
  if (root) args.insert(args.end(), {"-u", "nobody"});
  // -d: one dump file per message, named msg.<random hex>; -t: command timeout.
  args.insert(args.end(), {"-d", dir_ + "/msg.", "-t", "30"});
  args.insert(args.end(), extraArgs.begin(), extraArgs.end());
  args.push_back("127.0.0.1:" + std::to_string(port_));
  args.push_back("16");  // listen backlog
  process_ = std::make_unique<Subprocess>(args, port_);
}

SmtpSink::~SmtpSink() {
  stop();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

void SmtpSink::stop() {
  if (process_) process_->stop();
}

std::vector<std::string> SmtpSink::dumps(std::size_t atLeast, int waitMillis) const {
  return Subprocess::readFiles(dir_, atLeast, waitMillis);
}

std::string SmtpSink::messageOf(const std::string& dump) {
  auto at = dump.find("\nReceived: ");
  if (at == std::string::npos) return "";
  at = dump.find('\n', at + 1);  // end of the Received line; its continuation lines start with a tab
  while (at != std::string::npos && at + 1 < dump.size() && dump[at + 1] == '\t') at = dump.find('\n', at + 1);
  if (at == std::string::npos) return "";
  std::string msg = dump.substr(at + 1);
  if (!msg.empty() && msg.back() == '\n') msg.pop_back();  // the empty line smtp-sink appends
  return msg;
}

std::string SmtpSink::field(const std::string& dump, const std::string& name) {
  const std::string key = name + ": ";
  const auto at = dump.rfind(key, 0) == 0 ? 0 : dump.find("\n" + key);
  if (at == std::string::npos) return "";
  const auto start = at == 0 ? key.size() : at + 1 + key.size();
  return dump.substr(start, dump.find('\n', start) - start);
}

std::string SmtpSink::asStored(const std::string& raw) {
  std::string out;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\r' && i + 1 < raw.size() && raw[i + 1] == '\n') continue;
    out += raw[i];
  }
  return out;
}

}  // namespace mg::relay::test
