#include "app/ConfigCheck.h"

#include <Poco/Net/NetException.h>
#include <Poco/Net/ServerSocket.h>
#include <unistd.h>

#include <filesystem>

namespace mg::app {

namespace {

void checkPort(const std::string& key, const common::HostPort& hp, std::vector<common::ConfigProblem>& out) {
  try {
    Poco::Net::ServerSocket probe;
    probe.bind(Poco::Net::SocketAddress(hp.host, hp.port), true);
    probe.close();
  } catch (const Poco::Net::NetException& e) {
    const bool inUse = e.code() == EADDRINUSE || e.displayText().find("already in use") != std::string::npos;
    out.push_back({key, hp.toString() + ": " + (inUse ? std::string("address already in use") : e.displayText()),
                   inUse ? "another mailgated running? see 'ss -ltnp'" : "check the address"});
  } catch (const Poco::Exception& e) {
    out.push_back({key, hp.toString() + ": " + e.displayText(), "check the address"});
  }
}

void checkReadable(const std::string& key, const std::string& path, std::vector<common::ConfigProblem>& out) {
  if (!path.empty() && ::access(path.c_str(), R_OK) != 0) {
    out.push_back({key, "cannot read '" + path + "'", "check the path and its permissions"});
  }
}

}  // namespace

std::vector<common::ConfigProblem> checkEnvironment(const common::Settings& s) {
  std::vector<common::ConfigProblem> out;
  checkPort("smtp.listen", s.smtp.listen, out);
  checkPort("web.listen", s.web.listen, out);
  checkReadable("smtp.tls_cert", s.smtp.tlsCert, out);
  checkReadable("smtp.tls_key", s.smtp.tlsKey, out);
  if (s.web.tls == "file") {
    checkReadable("web.tls_cert", s.web.tlsCert, out);
    checkReadable("web.tls_key", s.web.tlsKey, out);
  }
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path dir(s.storage.dataDir);
  if (fs::exists(dir, ec)) {
    if (::access(dir.c_str(), W_OK) != 0) out.push_back({"storage.data_dir", "'" + dir.string() + "' is not writable", "fix its owner or mode"});
  } else {
    fs::path parent = dir.parent_path();
    while (!parent.empty() && !fs::exists(parent, ec)) parent = parent.parent_path();
    if (!parent.empty() && ::access(parent.c_str(), W_OK) != 0) {
      out.push_back({"storage.data_dir", "'" + dir.string() + "' does not exist and cannot be created", "create it for the daemon's user"});
    }
  }
  return out;
}

}  // namespace mg::app
