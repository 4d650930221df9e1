#include "watcher/ImapAccountProbe.h"

#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Timespan.h>

#include <chrono>

#include "common/Text.h"
#include "watcher/AccountConnector.h"
#include "watcher/QuarantineFolder.h"

namespace mg::watcher {

namespace {

class Stopwatch {
 public:
  int64_t ms() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

std::string tcpConnect(const imap::ClientOptions& o) {
  try {
    Poco::Net::StreamSocket socket;
    socket.connect(Poco::Net::SocketAddress(o.host, o.port), Poco::Timespan(o.timeout.count() * 1000));
    socket.close();
    return "";
  } catch (const std::exception& e) {
    return o.host + ":" + std::to_string(o.port) + ": " + common::sanitize(e.what());
  }
}

}  // namespace

std::vector<accounts::ProbeStage> ImapAccountProbe::test(const accounts::AccountSettings& s) {
  std::vector<accounts::ProbeStage> stages;
  auto stage = [&](const char* name, const Stopwatch& w, const std::string& error) {
    stages.push_back({name, error.empty(), w.ms(), error});
    return error.empty();
  };
  try {
    WatchedAccount account{s.id, s.name, s.host, s.port, s.tls, s.username, s.quarantineFolder, s.intercept};
    auto options = clientOptionsFor(account, base_);
    if (!options) {
      stage("connect", Stopwatch(), options.errorMessage());
      return stages;
    }
    imap::ImapClient client(options.value());
    const bool tls = options->tls != imap::TlsMode::None;
    if (tls) {
      Stopwatch w;
      if (!stage("connect", w, tcpConnect(options.value()))) return stages;
    }
    {
      Stopwatch w;
      auto st = client.connect();
      if (!stage(tls ? "tls" : "connect", w, st.message())) return stages;
    }
    {
      Stopwatch w;
      auto st = client.login(s.username, s.password);
      if (!stage("login", w, st.ok() ? "" : "login as " + common::sanitize(s.username) + ": " + st.message())) {
        client.close();
        return stages;
      }
    }
    {
      Stopwatch w;
      auto layout = client.personalLayout();
      std::string error = layout.errorMessage();
      if (layout) {
        auto all = client.list("", "%");
        if (!all) error = all.errorMessage();
      }
      if (!stage("list", w, error)) {
        client.close();
        return stages;
      }
    }
    {
      Stopwatch w;
      auto folder = QuarantineFolder::locate(client, s.quarantineFolder, false);
      stage("quarantine", w, folder.errorMessage());
    }
    (void)client.logout();
  } catch (const std::exception& e) {
    stages.push_back({"connect", false, 0, common::sanitize(e.what())});
  }
  return stages;
}

}  // namespace mg::watcher
