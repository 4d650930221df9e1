#include "common/SettingsLoader.h"

#include <algorithm>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <sstream>

#include "common/IniFile.h"

namespace mg::common {

std::string HostPort::toString() const {
  return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::string ConfigProblem::toString() const {
  std::string s = key + ": " + problem;
  if (!hint.empty()) s += " (" + hint + ")";
  return s;
}

HostPort parseHostPort(std::string_view text, bool& ok) {
  ok = false;
  HostPort hp;
  std::string_view portText;
  if (!text.empty() && text.front() == '[') {
    const size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') return hp;
    hp.host = std::string(text.substr(1, close - 1));
    portText = text.substr(close + 2);
  } else {
    const size_t colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0) return hp;
    hp.host = std::string(text.substr(0, colon));
    portText = text.substr(colon + 1);
  }
  if (portText.empty() || portText.size() > 5) return hp;
  unsigned long port = 0;
  for (char c : portText) {
    if (c < '0' || c > '9') return hp;
    port = port * 10 + static_cast<unsigned long>(c - '0');
  }
  if (port == 0 || port > 65535) return hp;
  hp.port = static_cast<uint16_t>(port);
  ok = true;
  return hp;
}

namespace {

// A setter parses one value; it returns "" when fine, else the problem text.
using Setter = std::function<std::string(const std::string&)>;
struct KeySpec {
  Setter set;
  std::string hint;
};
using SectionSpec = std::map<std::string, KeySpec>;

std::string parseUnsigned(const std::string& v, uint64_t& out, uint64_t min, uint64_t max) {
  if (v.empty() || v.size() > 19 || !std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return "'" + v + "' is not a whole number";
  }
  const uint64_t n = std::stoull(v);
  if (n < min || n > max) return "'" + v + "' is outside " + std::to_string(min) + ".." + std::to_string(max);
  out = n;
  return "";
}

template <typename T>
KeySpec uintKey(T& field, uint64_t min, uint64_t max) {
  return {[&field, min, max](const std::string& v) {
            uint64_t n = 0;
            std::string err = parseUnsigned(v, n, min, max);
            if (err.empty()) field = static_cast<T>(n);
            return err;
          },
          "a whole number from " + std::to_string(min) + " to " + std::to_string(max)};
}

KeySpec intKey(int& field, int min, int max) {
  return {[&field, min, max](const std::string& v) -> std::string {
            try {
              size_t used = 0;
              const long n = std::stol(v, &used);
              if (used != v.size()) return "'" + v + "' is not a number";
              if (n < min || n > max) return "'" + v + "' is out of range";
              field = static_cast<int>(n);
              return "";
            } catch (...) {
              return "'" + v + "' is not a number";
            }
          },
          "a number from " + std::to_string(min) + " to " + std::to_string(max)};
}

KeySpec boolKey(bool& field) {
  return {[&field](const std::string& v) -> std::string {
            std::string l = v;
            std::transform(l.begin(), l.end(), l.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
            if (l == "true" || l == "yes" || l == "on" || l == "1") { field = true; return ""; }
            if (l == "false" || l == "no" || l == "off" || l == "0") { field = false; return ""; }
            return "'" + v + "' is not a boolean";
          },
          "true or false"};
}

KeySpec stringKey(std::string& field, bool allowEmpty = true) {
  return {[&field, allowEmpty](const std::string& v) -> std::string {
            if (!allowEmpty && v.empty()) return "must not be empty";
            field = v;
            return "";
          },
          ""};
}

KeySpec choiceKey(std::string& field, std::vector<std::string> choices) {
  std::string hint = "one of:";
  for (const auto& c : choices) hint += " " + c;
  return {[&field, choices](const std::string& v) -> std::string {
            if (std::find(choices.begin(), choices.end(), v) == choices.end()) return "'" + v + "' is not allowed";
            field = v;
            return "";
          },
          hint};
}

KeySpec hostPortKey(HostPort& field) {
  return {[&field](const std::string& v) -> std::string {
            bool ok = false;
            HostPort hp = parseHostPort(v, ok);
            if (!ok) return "'" + v + "' is not host:port";
            field = hp;
            return "";
          },
          "host:port, e.g. 127.0.0.1:2525"};
}

KeySpec listKey(std::vector<std::string>& field) {
  return {[&field](const std::string& v) -> std::string {
            field.clear();
            std::stringstream ss(v);
            std::string item;
            while (std::getline(ss, item, ',')) {
              item.erase(0, item.find_first_not_of(" \t"));
              item.erase(item.find_last_not_of(" \t") + 1);
              if (!item.empty()) field.push_back(item);
            }
            return "";
          },
          "a comma-separated list"};
}

bool readSecretFile(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return true;
}

class Binder {
 public:
  explicit Binder(Settings& s) : s_(s) {
    auto& st = s.storage;
    specs_["storage"] = {{"data_dir", stringKey(st.dataDir, false)}};
    auto& sm = s.smtp;
    specs_["smtp"] = {
        {"listen", hostPortKey(sm.listen)},
        {"hostname", stringKey(sm.hostname, false)},
        {"max_message_bytes", uintKey(sm.maxMessageBytes, 1024, 1ULL << 32)},
        {"max_recipients", uintKey(sm.maxRecipients, 1, 10000)},
        {"require_auth", boolKey(sm.requireAuth)},
        {"tls_cert", stringKey(sm.tlsCert)},
        {"tls_key", stringKey(sm.tlsKey)},
        {"default_action", choiceKey(sm.defaultAction, {"hold", "pass"})},
        {"bare_newline", choiceKey(sm.bareNewline, {"reject", "normalize"})},
        {"max_sessions", uintKey(sm.maxSessions, 1, 10000)},
        {"max_sessions_per_address", uintKey(sm.maxSessionsPerAddress, 0, 10000)},
        {"greeting_timeout_seconds", uintKey(sm.greetingTimeoutSeconds, 1, 3600)},
        {"command_timeout_seconds", uintKey(sm.commandTimeoutSeconds, 1, 3600)},
        {"data_timeout_seconds", uintKey(sm.dataTimeoutSeconds, 1, 7200)},
        {"max_line_bytes", uintKey(sm.maxLineBytes, 512, 1 << 20)},
        {"starttls", boolKey(sm.starttls)},
    };
    auto& r = s.relay;
    specs_["relay"] = {
        {"retries", uintKey(r.retries, 0, 100)},
        {"retry_base_seconds", uintKey(r.retryBaseSeconds, 1, 86400)},
        {"retry_max_seconds", uintKey(r.retryMaxSeconds, 1, 7 * 86400)},
        {"circuit_failures", uintKey(r.circuitFailures, 1, 1000)},
        {"circuit_reset_seconds", uintKey(r.circuitResetSeconds, 1, 86400)},
        {"allowed_domains", listKey(r.allowedDomains)},
    };
    auto& im = s.imap;
    specs_["imap"] = {
        {"pool_max_per_account", uintKey(im.poolMaxPerAccount, 1, 16)},
        {"pool_idle_seconds", uintKey(im.poolIdleSeconds, 1, 86400)},
        {"poll_seconds", uintKey(im.pollSeconds, 1, 86400)},
        {"idle_renew_seconds", uintKey(im.idleRenewSeconds, 10, 1740)},
    };
    auto& w = s.web;
    specs_["web"] = {
        {"listen", hostPortKey(w.listen)},
        {"tls", choiceKey(w.tls, {"self-signed", "file", "none"})},
        {"tls_cert", stringKey(w.tlsCert)},
        {"tls_key", stringKey(w.tlsKey)},
        {"request_head_timeout_seconds", uintKey(w.requestHeadTimeoutSeconds, 1, 3600)},
        {"max_connections_per_address", uintKey(w.maxConnectionsPerAddress, 1, 10000)},
    };
    auto& l = s.limits;
    specs_["limits"] = {
        {"release_per_minute", uintKey(l.releasePerMinute, 1, 100000)},
        {"login_attempts", uintKey(l.loginAttempts, 1, 1000)},
        {"login_window_seconds", uintKey(l.loginWindowSeconds, 1, 86400)},
    };
    auto& re = s.retention;
    specs_["retention"] = {
        {"done_max_age_days", uintKey(re.doneMaxAgeDays, 0, 36500)},
        {"done_max_messages", uintKey(re.doneMaxMessages, 0, 100000000)},
        {"held_max_age_days", uintKey(re.heldMaxAgeDays, 0, 36500)},
    };
    auto& b = s.backup;
    specs_["backup"] = {
        {"dir", stringKey(b.dir, false)},
        {"interval_hours", uintKey(b.intervalHours, 0, 8760)},
        {"keep", uintKey(b.keep, 1, 1000)},
        {"max_total_bytes", uintKey(b.maxTotalBytes, 0, 1ULL << 40)},
    };
    auto& h = s.health;
    specs_["health"] = {
        {"dbus", choiceKey(h.dbus, {"system", "session", "none"})},
        {"led", stringKey(h.led, false)},
        {"leds_dir", stringKey(h.ledsDir, false)},
        {"disk_min_free_bytes", uintKey(h.diskMinFreeBytes, 0, 1ULL << 50)},
    };
    auto& lg = s.log;
    specs_["log"] = {
        {"target", choiceKey(lg.target, {"journal", "console"})},
        {"level", choiceKey(lg.level, {"fatal", "critical", "error", "warning", "notice", "information", "debug", "trace"})},
    };
  }

  SectionSpec* sectionFor(const std::string& section) {
    if (section.rfind("upstream.", 0) == 0) {
      const std::string name = section.substr(9);
      auto it = upstreamIndex_.find(name);
      if (it == upstreamIndex_.end()) {
        upstreamStore_.push_back(std::make_unique<UpstreamSettings>());
        upstreamStore_.back()->name = name;
        it = upstreamIndex_.emplace(name, upstreamStore_.size() - 1).first;
        upstreamSpecs_[name] = upstreamSpec(*upstreamStore_.back(), name);
      }
      return &upstreamSpecs_[name];
    }
    auto it = specs_.find(section);
    return it == specs_.end() ? nullptr : &it->second;
  }

  void finish(std::vector<ConfigProblem>& problems) {
    for (size_t i = 0; i < upstreamStore_.size(); ++i) {
      auto& u = *upstreamStore_[i];
      const std::string prefix = "upstream." + u.name;
      if (u.name.empty()) problems.push_back({"upstream.", "a relay section needs a name", "write [upstream.primary]"});
      if (!passwordFiles_[u.name].empty()) {
        if (!readSecretFile(passwordFiles_[u.name], u.password)) {
          problems.push_back({prefix + ".password_file", "cannot read '" + passwordFiles_[u.name] + "'",
                              "check the path and that the daemon may read it"});
        }
      }
      s_.upstreams.push_back(u);
    }
    std::stable_sort(s_.upstreams.begin(), s_.upstreams.end(), [](const auto& a, const auto& b) {
      return a.priority != b.priority ? a.priority < b.priority : a.name < b.name;
    });
    if (s_.web.tls == "none" && s_.web.listen.host != "127.0.0.1" && s_.web.listen.host != "::1" &&
        s_.web.listen.host != "localhost") {
      problems.push_back({"web.tls", "'none' is only allowed when web.listen is a loopback address",
                          "use tls = self-signed, or listen on 127.0.0.1"});
    }
    if (s_.web.tls == "file" && (s_.web.tlsCert.empty() || s_.web.tlsKey.empty())) {
      problems.push_back({"web.tls_cert", "tls = file needs tls_cert and tls_key", "name both files"});
    }
    if (s_.smtp.tlsCert.empty() != s_.smtp.tlsKey.empty()) {
      problems.push_back({"smtp.tls_key", "tls_cert and tls_key must be given together", "set both or neither"});
    }
    if (s_.smtp.requireAuth && !s_.smtp.starttls) {
      problems.push_back({"smtp.require_auth", "AUTH is only offered after STARTTLS, which is off",
                          "set smtp.starttls = true"});
    }
  }

 private:
  SectionSpec upstreamSpec(UpstreamSettings& u, const std::string& name) {
    return {
        {"host", stringKey(u.host, false)},
        {"port", uintKey(u.port, 1, 65535)},
        {"tls", choiceKey(u.tls, {"starttls", "implicit", "none"})},
        {"username", stringKey(u.username)},
        {"password", stringKey(u.password)},
        {"password_file", stringKey(passwordFiles_[name])},
        {"priority", intKey(u.priority, -100000, 100000)},
        {"max_per_minute", uintKey(u.maxPerMinute, 1, 100000)},
        {"timeout_seconds", uintKey(u.timeoutSeconds, 1, 3600)},
        {"max_message_bytes", uintKey(u.maxMessageBytes, 0, 1ULL << 32)},
        {"verify_tls", boolKey(u.verifyTls)},
    };
  }

  Settings& s_;
  std::map<std::string, SectionSpec> specs_;
  std::vector<std::unique_ptr<UpstreamSettings>> upstreamStore_;
  std::map<std::string, size_t> upstreamIndex_;
  std::map<std::string, SectionSpec> upstreamSpecs_;
  std::map<std::string, std::string> passwordFiles_;
};

}  // namespace

LoadedSettings loadSettingsFromText(std::string_view text) {
  LoadedSettings out;
  Binder binder(out.settings);
  const IniDocument doc = parseIni(text);
  for (const auto& p : doc.problems) {
    out.problems.push_back({"line " + std::to_string(p.line), p.problem, "fix the syntax"});
  }
  std::map<std::string, int> seen;
  for (const auto& e : doc.entries) {
    const std::string full = e.section + "." + e.key;
    SectionSpec* spec = binder.sectionFor(e.section);
    if (!spec) {
      out.problems.push_back({full, "unknown section [" + e.section + "] (line " + std::to_string(e.line) + ")",
                              "see docs/configuration.md for the sections"});
      continue;
    }
    auto it = spec->find(e.key);
    if (it == spec->end()) {
      out.problems.push_back({full, "unknown key (line " + std::to_string(e.line) + ")", "check the spelling"});
      continue;
    }
    if (seen[full]++ > 0) {
      out.problems.push_back({full, "given twice (line " + std::to_string(e.line) + ")", "keep one"});
      continue;
    }
    const std::string err = it->second.set(e.value);
    if (!err.empty()) out.problems.push_back({full, err + " (line " + std::to_string(e.line) + ")", it->second.hint});
  }
  // Backups live beside the data unless placed elsewhere (a USB stick): the documented
  // default /var/lib/mailgate/backups is data_dir's default plus /backups, and a box with
  // another data_dir keeps them with it rather than in a directory it may not own.
  if (seen.count("backup.dir") == 0) out.settings.backup.dir = out.settings.storage.dataDir + "/backups";
  binder.finish(out.problems);
  return out;
}

LoadedSettings loadSettingsFromFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    LoadedSettings out;
    out.problems.push_back({path, "cannot read the configuration file", "check the path given with --config"});
    return out;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return loadSettingsFromText(ss.str());
}

}  // namespace mg::common
