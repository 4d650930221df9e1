#include "app/SettingsDiff.h"

#include <set>

namespace mg::app {

namespace {

struct Differ {
  SettingsDiff out;
  template <typename T>
  void live(const char* key, const T& a, const T& b) {
    if (!(a == b)) out.live.emplace_back(key);
  }
  template <typename T>
  void restart(const char* key, const T& a, const T& b) {
    if (!(a == b)) out.needsRestart.emplace_back(key);
  }
};

}  // namespace

SettingsDiff diffSettings(const common::Settings& a, const common::Settings& b) {
  Differ d;
  d.restart("storage.data_dir", a.storage.dataDir, b.storage.dataDir);

  d.restart("smtp.listen", a.smtp.listen.toString(), b.smtp.listen.toString());
  d.restart("smtp.hostname", a.smtp.hostname, b.smtp.hostname);
  d.restart("smtp.max_message_bytes", a.smtp.maxMessageBytes, b.smtp.maxMessageBytes);
  d.restart("smtp.max_recipients", a.smtp.maxRecipients, b.smtp.maxRecipients);
  d.restart("smtp.require_auth", a.smtp.requireAuth, b.smtp.requireAuth);
  d.restart("smtp.tls_cert", a.smtp.tlsCert, b.smtp.tlsCert);
  d.restart("smtp.tls_key", a.smtp.tlsKey, b.smtp.tlsKey);
  d.live("smtp.default_action", a.smtp.defaultAction, b.smtp.defaultAction);
  d.restart("smtp.bare_newline", a.smtp.bareNewline, b.smtp.bareNewline);
  d.restart("smtp.max_sessions", a.smtp.maxSessions, b.smtp.maxSessions);
  d.restart("smtp.max_sessions_per_address", a.smtp.maxSessionsPerAddress, b.smtp.maxSessionsPerAddress);
  d.restart("smtp.greeting_timeout_seconds", a.smtp.greetingTimeoutSeconds, b.smtp.greetingTimeoutSeconds);
  d.restart("smtp.command_timeout_seconds", a.smtp.commandTimeoutSeconds, b.smtp.commandTimeoutSeconds);
  d.restart("smtp.data_timeout_seconds", a.smtp.dataTimeoutSeconds, b.smtp.dataTimeoutSeconds);
  d.restart("smtp.max_line_bytes", a.smtp.maxLineBytes, b.smtp.maxLineBytes);
  d.restart("smtp.starttls", a.smtp.starttls, b.smtp.starttls);

  // Upstreams by name: added, removed or changed ones are each one key.
  std::set<std::string> names;
  for (const auto& u : a.upstreams) names.insert(u.name);
  for (const auto& u : b.upstreams) names.insert(u.name);
  for (const auto& name : names) {
    const common::UpstreamSettings* x = nullptr;
    const common::UpstreamSettings* y = nullptr;
    for (const auto& u : a.upstreams) if (u.name == name) x = &u;
    for (const auto& u : b.upstreams) if (u.name == name) y = &u;
    if (!x || !y || *x != *y) d.out.live.push_back("upstream." + name);
  }
  d.live("relay.retries", a.relay.retries, b.relay.retries);
  d.live("relay.retry_base_seconds", a.relay.retryBaseSeconds, b.relay.retryBaseSeconds);
  d.live("relay.retry_max_seconds", a.relay.retryMaxSeconds, b.relay.retryMaxSeconds);
  d.live("relay.circuit_failures", a.relay.circuitFailures, b.relay.circuitFailures);
  d.live("relay.circuit_reset_seconds", a.relay.circuitResetSeconds, b.relay.circuitResetSeconds);
  d.live("relay.allowed_domains", a.relay.allowedDomains, b.relay.allowedDomains);

  d.restart("imap.pool_max_per_account", a.imap.poolMaxPerAccount, b.imap.poolMaxPerAccount);
  d.restart("imap.pool_idle_seconds", a.imap.poolIdleSeconds, b.imap.poolIdleSeconds);
  d.restart("imap.poll_seconds", a.imap.pollSeconds, b.imap.pollSeconds);
  d.restart("imap.idle_renew_seconds", a.imap.idleRenewSeconds, b.imap.idleRenewSeconds);

  d.restart("web.listen", a.web.listen.toString(), b.web.listen.toString());
  d.restart("web.tls", a.web.tls, b.web.tls);
  d.restart("web.tls_cert", a.web.tlsCert, b.web.tlsCert);
  d.restart("web.tls_key", a.web.tlsKey, b.web.tlsKey);
  d.restart("web.request_head_timeout_seconds", a.web.requestHeadTimeoutSeconds, b.web.requestHeadTimeoutSeconds);
  d.restart("web.max_connections_per_address", a.web.maxConnectionsPerAddress, b.web.maxConnectionsPerAddress);

  d.live("limits.release_per_minute", a.limits.releasePerMinute, b.limits.releasePerMinute);
  d.live("limits.login_attempts", a.limits.loginAttempts, b.limits.loginAttempts);
  d.live("limits.login_window_seconds", a.limits.loginWindowSeconds, b.limits.loginWindowSeconds);

  d.live("retention.done_max_age_days", a.retention.doneMaxAgeDays, b.retention.doneMaxAgeDays);
  d.live("retention.done_max_messages", a.retention.doneMaxMessages, b.retention.doneMaxMessages);
  d.live("retention.held_max_age_days", a.retention.heldMaxAgeDays, b.retention.heldMaxAgeDays);

  d.restart("backup.dir", a.backup.dir, b.backup.dir);
  d.live("backup.interval_hours", a.backup.intervalHours, b.backup.intervalHours);
  d.live("backup.keep", a.backup.keep, b.backup.keep);
  d.live("backup.max_total_bytes", a.backup.maxTotalBytes, b.backup.maxTotalBytes);

  d.restart("health.dbus", a.health.dbus, b.health.dbus);
  d.restart("health.led", a.health.led, b.health.led);  // the LED agent reads it at its own start
  d.restart("health.leds_dir", a.health.ledsDir, b.health.ledsDir);
  d.live("health.disk_min_free_bytes", a.health.diskMinFreeBytes, b.health.diskMinFreeBytes);

  d.restart("log.target", a.log.target, b.log.target);
  d.live("log.level", a.log.level, b.log.level);
  return d.out;
}

}  // namespace mg::app
