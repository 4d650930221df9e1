#include "SessionTestSupport.h"

#include <stdexcept>

namespace mg::smtp::test {

std::vector<std::string> RecordingOutput::takeReplies() {
  std::vector<std::string> out;
  const std::string all = take();
  size_t start = 0;
  while (start < all.size()) {
    const size_t end = all.find("\r\n", start);
    const std::string line = all.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (line.size() < 4 || line[3] != '-') out.push_back(line);
    if (end == std::string::npos) break;
    start = end + 2;
  }
  return out;
}

AuthVerdict FakeDelegate::authenticate(const std::string& user, const std::string& password, const std::string&) {
  if (authVerdict) return *authVerdict;
  const auto it = users.find(user);
  return it != users.end() && it->second == password ? AuthVerdict::Accepted : AuthVerdict::Rejected;
}

AcceptResult FakeDelegate::acceptRaw(const Envelope& env, std::string raw) {
  if (throwOnAccept) throw std::runtime_error("disk on fire");
  accepted.emplace_back(env, std::move(raw));
  return result;
}

SessionOptions testOptions() {
  SessionOptions o;
  o.hostname = "gate.test";
  o.clientAddress = "192.0.2.7:40000";
  o.maxMessageBytes = 1000;
  o.maxRecipients = 3;
  o.maxLineBytes = 100;
  return o;
}

}  // namespace mg::smtp::test
