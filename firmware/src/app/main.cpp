// mailgated: the mail gate daemon. Foreground process; systemd Type=notify.
#include <malloc.h>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>

#include "app/ConfigCheck.h"
#include "app/Daemon.h"
#include "common/Log.h"
#include "common/SettingsLoader.h"
#include "system/JournalChannel.h"
#include "system/SystemdNotifier.h"
#include "system/Watchdog.h"
#include "health/HealthMonitor.h"

#ifndef MG_VERSION
#define MG_VERSION "0.0.0"
#endif

namespace {

constexpr const char* kDefaultConfig = "/etc/mailgate/mailgate.ini";

// glibc gives threads arenas of their own and, after the first big block is freed, raises the
// size above which blocks are mapped (up to 32 MB): the parse buffers of twenty session
// threads then stay resident in twenty arenas long after the mail is on disk. A fixed
// threshold (big blocks mapped, and returned when freed) and two arenas keep the footprint
// where bench/memory measures it (docs/BENCHMARKS.md).
void boundMalloc() {
#ifdef __GLIBC__
  mallopt(M_MMAP_THRESHOLD, 128 * 1024);
  mallopt(M_ARENA_MAX, 2);
#endif
}

void usage() {
  std::cout << "Usage: mailgated [--config PATH] [--check-config] [--version] [--help]\n"
               "  --config PATH     configuration file (default " << kDefaultConfig << ")\n"
               "  --check-config    print every configuration problem, one per line; exit 0 when none\n"
               "  --version         print the version\n";
}

// The one-line style of CONTRACT §1: what is wrong and what to do.
void fail(const std::string& message) {
  std::string line = message;
  if (line.find("address already in use") != std::string::npos && line.find("ss -ltnp") == std::string::npos) {
    line += " (another mailgated running? see 'ss -ltnp')";
  }
  std::fprintf(stderr, "mailgated: %s\n", line.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  boundMalloc();
  std::string configPath = kDefaultConfig;
  bool checkOnly = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--help" || a == "-h") { usage(); return 0; }
    if (a == "--version") { std::cout << "mailgated " << MG_VERSION << "\n"; return 0; }
    if (a == "--check-config") { checkOnly = true; continue; }
    if (a == "--config" && i + 1 < argc) { configPath = argv[++i]; continue; }
    if (a.rfind("--config=", 0) == 0) { configPath = a.substr(9); continue; }
    fail("unknown argument '" + a + "' (see 'mailgated --help')");
    return 2;
  }

  auto loaded = mg::common::loadSettingsFromFile(configPath);
  if (checkOnly) {
    auto problems = loaded.problems;
    if (loaded.ok()) {
      auto env = mg::app::checkEnvironment(loaded.settings);
      problems.insert(problems.end(), env.begin(), env.end());
    }
    for (const auto& p : problems) std::cout << p.toString() << "\n";
    return problems.empty() ? 0 : 1;
  }
  if (!loaded.ok()) {
    for (const auto& p : loaded.problems) fail(configPath + ": " + p.toString());
    return 1;
  }

  // Block the stop signals before any thread exists, so that every thread inherits the
  // mask and only the main thread's sigwait() sees them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  // A file size limit (RLIMIT_FSIZE, a quota) must be a failed write with EFBIG that the
  // client hears as a 4xx, not a signal that kills the daemon mid-transaction.
  std::signal(SIGXFSZ, SIG_IGN);

  mg::common::setupLogging(loaded.settings.log.target, loaded.settings.log.level,
                           std::getenv("JOURNAL_STREAM") || std::getenv("INVOCATION_ID") ? &mg::system::JournalChannel::create
                                                                                         : nullptr);
  try {
    mg::app::Daemon daemon(loaded.settings, configPath);
    if (auto st = daemon.start(); !st.ok()) {
      fail(st.message());
      return 1;
    }
    // READY=1 only now: both listeners are bound and the store is open and migrated.
    mg::system::notifyReady(daemon.monitor().current().summary());
    mg::system::Watchdog watchdog([&daemon] { return daemon.stalled(); });
    watchdog.start();
    int sig = 0;
    while (sigwait(&signals, &sig) == 0) {
      if (sig == SIGHUP) {
        daemon.reload();  // logs what it applied and what waits for a restart
        continue;
      }
      break;
    }
    mg::common::logger("app").information(std::string("stopping on ") + strsignal(sig));
    // The drain (SMTP transactions finish within 10 s, IMAP DONE + LOGOUT) is not a stall:
    // the watchdog stops before it, and systemd's stop timeout covers it.
    watchdog.stop();
    mg::system::notifyStopping("stopping: finishing SMTP sessions and logging out of IMAP");
    daemon.stop();
  } catch (const std::exception& e) {
    fail(std::string("fatal: ") + e.what());
    return 1;
  }
  return 0;
}
