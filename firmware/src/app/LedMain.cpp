// mailgate-led: the status LED agent (CONTRACT §1, §5). A program of its own so that the LED
// keeps telling the truth when mailgated is gone: solid on while the daemon's name is absent
// from the bus, else the pattern of its Health. Reads [health] dbus, led, leds_dir from the
// daemon's configuration file.
#include <csignal>
#include <cstdio>
#include <iostream>
#include <string>

#include "common/Log.h"
#include "common/SettingsLoader.h"
#include "led/HealthFollower.h"
#include "led/LedPlayer.h"
#include "led/SysfsLed.h"
#include "system/JournalChannel.h"
#include "system/SystemdNotifier.h"

#ifndef MG_VERSION
#define MG_VERSION "0.0.0"
#endif

namespace {
constexpr const char* kDefaultConfig = "/etc/mailgate/mailgate.ini";
constexpr int kExitConfig = 78;  // EX_CONFIG: the unit does not restart for it

void usage() {
  std::cout << "Usage: mailgate-led [--config PATH] [--version] [--help]\n"
               "  --config PATH   configuration file (default " << kDefaultConfig << "); uses [health] dbus, led, leds_dir\n"
               "  --version       print the version\n";
}
}  // namespace

int main(int argc, char** argv) {
  std::string configPath = kDefaultConfig;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--help" || a == "-h") { usage(); return 0; }
    if (a == "--version") { std::cout << "mailgate-led " << MG_VERSION << "\n"; return 0; }
    if (a == "--config" && i + 1 < argc) { configPath = argv[++i]; continue; }
    if (a.rfind("--config=", 0) == 0) { configPath = a.substr(9); continue; }
    std::fprintf(stderr, "mailgate-led: unknown argument '%s' (see 'mailgate-led --help')\n", a.c_str());
    return 2;
  }
  const auto loaded = mg::common::loadSettingsFromFile(configPath);
  const auto& health = loaded.settings.health;
  const bool underSystemd = std::getenv("JOURNAL_STREAM") || std::getenv("INVOCATION_ID");
  mg::common::setupLogging(loaded.settings.log.target, loaded.settings.log.level,
                           underSystemd ? &mg::system::JournalChannel::create : nullptr);
  auto& log = mg::common::logger("led");
  // The daemon refuses a broken file; the LED still shows that it is down.
  for (const auto& p : loaded.problems) log.warning(configPath + ": " + p.toString() + " (the LED agent goes on)");

  if (health.led == "none") {
    log.notice("health.led = none: no LED to drive");
    return 0;
  }
  if (health.dbus == "none") {
    std::fprintf(stderr, "mailgate-led: health.dbus = none: the daemon publishes no health to follow; "
                         "set [health] dbus = system (or session)\n");
    return kExitConfig;
  }
  mg::led::SysfsLed led(health.ledsDir, health.led);
  if (auto st = led.open(); !st.ok()) {
    std::fprintf(stderr, "mailgate-led: %s\n", st.message().c_str());
    return kExitConfig;
  }

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);  // a reload of the daemon's unit must not end the LED agent
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  mg::led::LedPlayer player([&led](bool on) { return led.set(on); });
  mg::led::HealthFollower follower(health.dbus, [&](mg::led::LedState s, const std::string& why) {
    log.information(health.led + ": " + mg::led::toString(s) + " (" + why + ")");
    player.setState(s);
  });
  player.start();
  follower.start();
  log.information("driving " + led.path() + " from mailgated's health on the " + health.dbus + " bus");
  mg::system::notifyReady("following mailgated on the " + health.dbus + " bus");
  int sig = 0;
  while (sigwait(&signals, &sig) == 0 && sig == SIGHUP) {
    // The patterns and the bus are fixed at start; nothing to re-read.
  }
  follower.stop();
  player.stop();
  led.set(false);
  return 0;
}
