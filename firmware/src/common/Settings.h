#pragma once
// The typed configuration (CONTRACT §2). Every field has its explicit default here; the
// loader (SettingsLoader) fills it from the INI file and reports each problem by key name.
#include <cstdint>
#include <string>
#include <vector>

namespace mg::common {

struct HostPort {
  std::string host;
  uint16_t port = 0;
  std::string toString() const;
};

struct StorageSettings {
  std::string dataDir = "/var/lib/mailgate";
};

struct SmtpSettings {
  HostPort listen{"0.0.0.0", 587};
  std::string hostname = "mailgate.local";
  uint64_t maxMessageBytes = 26214400;
  unsigned maxRecipients = 100;
  bool requireAuth = false;
  std::string tlsCert;
  std::string tlsKey;
  std::string defaultAction = "hold";  // hold | pass
  std::string bareNewline = "reject";  // reject | normalize: a bare LF or CR in DATA
  // Extensions of the contract (documented in docs/configuration.md):
  unsigned maxSessions = 20;             // sessions at once; the next gets 421
  unsigned maxSessionsPerAddress = 0;    // sessions at once from one client address; 0 = max_sessions
  unsigned greetingTimeoutSeconds = 30;  // until the first command (a silent client holds a slot)
  unsigned commandTimeoutSeconds = 300;  // RFC 5321 §4.5.3.2.7
  unsigned dataTimeoutSeconds = 600;     // between two reads of DATA
  unsigned maxLineBytes = 1000;          // RFC 5321 §4.5.3.1.6, CRLF included
  bool starttls = true;                  // offer STARTTLS (a self-signed pair is made if none is set)
};

struct UpstreamSettings {
  std::string name;
  std::string host = "smtp.example.net";
  uint16_t port = 587;
  std::string tls = "starttls";  // starttls | implicit | none
  std::string username;
  std::string password;  // resolved from password_file when that is given
  int priority = 10;
  unsigned maxPerMinute = 60;
  // Extensions:
  unsigned timeoutSeconds = 30;
  uint64_t maxMessageBytes = 0;   // 0 = unknown; used by preflight
  bool verifyTls = true;          // false only for test relays with self-signed certificates
};

// Every field equal: a reload keeps such a relay as it is (circuit, bucket, last error).
inline bool operator==(const UpstreamSettings& a, const UpstreamSettings& b) {
  return a.name == b.name && a.host == b.host && a.port == b.port && a.tls == b.tls && a.username == b.username &&
         a.password == b.password && a.priority == b.priority && a.maxPerMinute == b.maxPerMinute &&
         a.timeoutSeconds == b.timeoutSeconds && a.maxMessageBytes == b.maxMessageBytes && a.verifyTls == b.verifyTls;
}
inline bool operator!=(const UpstreamSettings& a, const UpstreamSettings& b) { return !(a == b); }

struct RelaySettings {  // extension: how pass mail is retried and relays are guarded
  unsigned retries = 6;
  unsigned retryBaseSeconds = 30;
  unsigned retryMaxSeconds = 3600;
  unsigned circuitFailures = 3;       // consecutive failures that open a relay's circuit
  unsigned circuitResetSeconds = 60;  // then one trial is let through
  std::vector<std::string> allowedDomains;  // preflight warns about recipients outside these
};

struct ImapSettings {
  unsigned poolMaxPerAccount = 2;
  unsigned poolIdleSeconds = 300;
  unsigned pollSeconds = 60;
  unsigned idleRenewSeconds = 1740;
};

struct WebSettings {
  HostPort listen{"0.0.0.0", 8443};
  std::string tls = "self-signed";  // self-signed | file | none
  std::string tlsCert;
  std::string tlsKey;
  // Extensions (docs/configuration.md): slow clients may not starve the others.
  unsigned requestHeadTimeoutSeconds = 10;  // for the whole request head
  unsigned maxConnectionsPerAddress = 32;   // open at once from one client address
};

struct LimitSettings {
  unsigned releasePerMinute = 10;
  unsigned loginAttempts = 5;
  unsigned loginWindowSeconds = 900;
};

struct RetentionSettings {
  unsigned doneMaxAgeDays = 30;
  uint64_t doneMaxMessages = 100000;
  unsigned heldMaxAgeDays = 0;
};

struct BackupSettings {
  std::string dir = "/var/lib/mailgate/backups";
  unsigned intervalHours = 24;
  unsigned keep = 10;
  uint64_t maxTotalBytes = 67108864;
};

struct HealthSettings {
  std::string dbus = "system";  // system | session | none
  std::string led = "led0";
  std::string ledsDir = "/sys/class/leds";
  uint64_t diskMinFreeBytes = 134217728;
};

struct LogSettings {
  std::string target = "journal";  // journal | console
  std::string level = "information";
};

struct Settings {
  StorageSettings storage;
  SmtpSettings smtp;
  std::vector<UpstreamSettings> upstreams;  // sorted by priority, then name
  RelaySettings relay;
  ImapSettings imap;
  WebSettings web;
  LimitSettings limits;
  RetentionSettings retention;
  BackupSettings backup;
  HealthSettings health;
  LogSettings log;
};

struct ConfigProblem {
  std::string key;      // "smtp.listen", or the file path for file-level problems
  std::string problem;  // what is wrong
  std::string hint;     // what to do
  std::string toString() const;  // "smtp.listen: bad port 'x' (use host:port)"
};

}  // namespace mg::common
