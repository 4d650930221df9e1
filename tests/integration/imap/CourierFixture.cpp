#include "CourierFixture.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "TestProcess.h"
#include "imap/ImapClient.h"

namespace fs = std::filesystem;

namespace mg::imap::test {

std::string CourierFixture::root() {
  const char* r = std::getenv("MG_COURIER_ROOT");
  return r && *r ? r : MG_COURIER_DEFAULT_ROOT;
}

bool CourierFixture::available() {
  return ::access((root() + "/usr/bin/imapd").c_str(), X_OK) == 0 &&
         ::access((root() + "/usr/sbin/couriertcpd").c_str(), X_OK) == 0 &&
         ::access((root() + "/etc/courier/imapd").c_str(), R_OK) == 0;
}

CourierFixture::CourierFixture() {
  char tmpl[] = "/tmp/mg-courier-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  // A Maildir is three directories; Courier keeps its own files (courierimapuiddb, …) inside.
  for (const char* sub : {"cur", "new", "tmp"}) fs::create_directories(dir_ + "/Maildir/" + sub);
  port_ = TestProcess::freePort();
  const std::string r = root();
  // Debian's settings, exported as the init script does (set -a), then couriertcpd on loopback.
  std::ostringstream script;
  script << "set -a; . '" << r << "/etc/courier/imapd'; set +a; "
         << "LD_LIBRARY_PATH='" << r << "/usr/lib/x86_64-linux-gnu:" << r << "/usr/lib/aarch64-linux-gnu:" << r
         << "/usr/lib'; export LD_LIBRARY_PATH; HOME='" << dir_ << "'; export HOME; cd '" << dir_ << "'; "
         << "exec '" << r << "/usr/sbin/couriertcpd' -address=127.0.0.1 -nodnslookup -noidentlookup -maxprocs=40 "
         << "-maxperip=40 " << port_ << " '" << r << "/usr/bin/imapd' '" << dir_ << "/Maildir' 2>>'" << dir_
         << "/courier.log'";
  process_ = std::make_unique<TestProcess>();
  process_->start({"/bin/sh", "-c", script.str()}, port_);
}

CourierFixture::~CourierFixture() {
  process_.reset();
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

std::string CourierFixture::log() const {
  std::ifstream in(dir_ + "/courier.log");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace mg::imap::test
