#include "accounts/AccountService.h"

#include <Poco/JSON/Object.h>

#include <algorithm>
#include <exception>
#include <sstream>

#include "accounts/AccountValidator.h"
#include "common/Log.h"
#include "common/Text.h"

namespace mg::accounts {
namespace {

Poco::Logger& log() { return common::logger("accounts"); }

// What the audit log and the journal get: every setting but the password, whose change is
// recorded only as a yes/no.
std::string describe(const Account& a, std::optional<bool> passwordChanged, bool takeExisting = false) {
  Poco::JSON::Object o;
  o.set("id", static_cast<Poco::Int64>(a.id));
  o.set("name", a.name);
  o.set("host", a.host);
  o.set("port", a.port);
  o.set("tls", a.tls);
  o.set("username", a.username);
  o.set("quarantine_folder", a.quarantineFolder);
  o.set("intercept", a.intercept);
  o.set("enabled", a.enabled);
  if (passwordChanged) o.set("password_changed", *passwordChanged);
  if (takeExisting) o.set("take_existing", true);
  std::ostringstream ss;
  o.stringify(ss);
  return ss.str();
}

void apply(const AccountChanges& c, Account& a) {
  if (c.name) a.name = *c.name;
  if (c.host) a.host = *c.host;
  if (c.tls) a.tls = *c.tls;
  if (c.username) a.username = *c.username;
  if (c.quarantineFolder) a.quarantineFolder = *c.quarantineFolder;
  if (c.intercept) a.intercept = *c.intercept;
  if (c.enabled) a.enabled = *c.enabled;
}

// A port outside int's range must still fail validation, not wrap into a valid one.
int clampPort(int64_t p) { return p < 0 || p > 65535 ? -1 : static_cast<int>(p); }

store::AccountRecord toRecord(const Account& a, std::string sealed) {
  store::AccountRecord r;
  r.id = a.id;
  r.name = a.name;
  r.host = a.host;
  r.port = a.port;
  r.tls = a.tls;
  r.username = a.username;
  r.passwordSealed = std::move(sealed);
  r.quarantineFolder = a.quarantineFolder;
  r.intercept = a.intercept;
  r.enabled = a.enabled;
  r.createdAt = a.createdAt;
  r.updatedAt = a.updatedAt;
  return r;
}

AccountResult failed(Failure f, std::string detail) { return AccountResult{f, std::move(detail), {}}; }

AccountResult unavailable(const common::Status& st) {
  return failed(Failure::Unavailable, "the account store is not available: " + st.message());
}

}  // namespace

AccountService::AccountService(std::shared_ptr<store::AccountRepository> accounts,
                               std::shared_ptr<store::AuditRepository> audit,
                               std::shared_ptr<const crypto::SecretBox> secrets,
                               std::shared_ptr<store::WatcherStateRepository> positions, const common::Clock* clock)
    : accounts_(std::move(accounts)),
      audit_(std::move(audit)),
      positions_(std::move(positions)),
      secrets_(std::move(secrets)),
      clock_(clock) {}

bool AccountService::requestTakeExisting(int64_t accountId) {
  // Before notify(): the watcher that the change (re)starts finds the request.
  if (!positions_) return false;
  auto asked = positions_->requestTakeExisting(accountId, clock_->nowMillis());
  if (!asked) log().error("account " + std::to_string(accountId) + ": take_existing not recorded: " + asked.errorMessage());
  return asked && asked.value();
}

std::string AccountService::associatedData(int64_t accountId) {
  return "mailgate-account-password:" + std::to_string(accountId);
}

Account AccountService::view(const store::AccountRecord& r) {
  Account a;
  a.id = r.id;
  a.name = r.name;
  a.host = r.host;
  a.port = r.port;
  a.tls = r.tls;
  a.username = r.username;
  a.quarantineFolder = r.quarantineFolder;
  a.intercept = r.intercept;
  a.enabled = r.enabled;
  a.createdAt = r.createdAt;
  a.updatedAt = r.updatedAt;
  a.lastTestOkAt = r.lastTestOkAt;
  a.lastTestAt = r.lastTestAt;
  return a;
}

common::Result<std::vector<Account>> AccountService::list() {
  auto all = accounts_->all();
  if (!all) return all.status();
  std::vector<Account> out;
  for (const auto& r : all.value()) out.push_back(view(r));
  return out;
}

common::Result<std::optional<Account>> AccountService::get(int64_t id) {
  auto r = accounts_->get(id);
  if (!r) return r.status();
  if (!r.value()) return std::optional<Account>();
  return std::optional<Account>(view(*r.value()));
}

AccountResult AccountService::create(const AccountChanges& changes, const std::string& actor) {
  Account a;
  apply(changes, a);
  a.port = changes.port ? clampPort(*changes.port) : AccountValidator::defaultPort(a.tls);
  if (auto st = AccountValidator::check(a); !st.ok()) return failed(Failure::Invalid, st.message());
  if (!changes.password) return failed(Failure::Invalid, "'password' is required");
  if (auto st = AccountValidator::checkPassword(*changes.password); !st.ok())
    return failed(Failure::Invalid, st.message());
  a.createdAt = a.updatedAt = clock_->nowMillis();

  store::AccountRecord record = toRecord(a, "");
  {
    std::lock_guard<std::mutex> lock(changeMu_);
    const auto change =
        accounts_->insert(record, [&](int64_t id) { return secrets_->seal(*changes.password, associatedData(id)); });
    if (!change) return unavailable(change.status());
    if (change.value() == store::AccountRepository::Change::NameTaken)
      return failed(Failure::Conflict, "an account named '" + common::sanitize(a.name) + "' exists already");
  }
  a.id = record.id;
  const bool takeExisting = changes.takeExisting.value_or(false) && requestTakeExisting(a.id);
  audit(actor, "account.create", describe(a, std::nullopt, takeExisting));
  common::logEvent(log(), Poco::Message::PRIO_INFORMATION, {"account.create", 0, a.name},
                   "account " + std::to_string(a.id) + " '" + common::sanitize(a.name) + "' created by " + actor +
                       ": " + common::sanitize(a.username) + "@" + common::sanitize(a.host) + ":" +
                       std::to_string(a.port) + " tls=" + a.tls);
  notify(a.id);
  return AccountResult{Failure::None, "", a};
}

AccountResult AccountService::update(int64_t id, const AccountChanges& changes, const std::string& actor) {
  Account a;
  {
    std::lock_guard<std::mutex> lock(changeMu_);
    auto read = accounts_->get(id);
    if (!read) return unavailable(read.status());
    const auto& current = read.value();
    if (!current) return failed(Failure::NotFound, "no account " + std::to_string(id));
    a = view(*current);
    const std::string oldTls = a.tls;
    apply(changes, a);
    if (changes.port) {
      a.port = clampPort(*changes.port);
    } else if (a.tls != oldTls && a.port == AccountValidator::defaultPort(oldTls)) {
      // Switching tls with the port at the old mode's default means the default of the new one.
      a.port = AccountValidator::defaultPort(a.tls);
    }
    if (auto st = AccountValidator::check(a); !st.ok()) return failed(Failure::Invalid, st.message());
    std::string sealed = current->passwordSealed;
    if (changes.password) {
      if (auto st = AccountValidator::checkPassword(*changes.password); !st.ok())
        return failed(Failure::Invalid, st.message());
      sealed = secrets_->seal(*changes.password, associatedData(id));
    }
    a.updatedAt = clock_->nowMillis();
    auto changed = accounts_->update(toRecord(a, std::move(sealed)));
    if (!changed) return unavailable(changed.status());
    switch (changed.value()) {
      case store::AccountRepository::Change::Done:
        break;
      case store::AccountRepository::Change::NotFound:
        return failed(Failure::NotFound, "no account " + std::to_string(id));
      case store::AccountRepository::Change::NameTaken:
        return failed(Failure::Conflict, "an account named '" + common::sanitize(a.name) + "' exists already");
    }
  }
  const bool takeExisting = changes.takeExisting.value_or(false) && requestTakeExisting(id);
  audit(actor, "account.update", describe(a, changes.password.has_value(), takeExisting));
  common::logEvent(log(), Poco::Message::PRIO_INFORMATION, {"account.update", 0, a.name},
                   "account " + std::to_string(id) + " '" + common::sanitize(a.name) + "' changed by " + actor +
                       (changes.password ? " (new password)" : ""));
  notify(id);
  return AccountResult{Failure::None, "", a};
}

AccountResult AccountService::remove(int64_t id, const std::string& actor) {
  Account a;
  {
    std::lock_guard<std::mutex> lock(changeMu_);
    auto read = accounts_->get(id);
    if (!read) return unavailable(read.status());
    const auto& current = read.value();
    if (!current) return failed(Failure::NotFound, "no account " + std::to_string(id));
    a = view(*current);
    auto open = accounts_->openMessageCount(id);
    if (!open) return unavailable(open.status());
    if (open.value() > 0) {
      return failed(Failure::Conflict, "account " + std::to_string(id) + " has " + std::to_string(open.value()) +
                                           " held or releasing message(s); release or discard them first");
    }
    auto removed = accounts_->remove(id);
    if (!removed) return unavailable(removed.status());
    if (!removed.value()) return failed(Failure::NotFound, "no account " + std::to_string(id));
  }
  audit(actor, "account.delete", describe(a, std::nullopt));
  common::logEvent(log(), Poco::Message::PRIO_INFORMATION, {"account.delete", 0, a.name},
                   "account " + std::to_string(id) + " '" + common::sanitize(a.name) + "' removed by " + actor);
  notify(id);
  return AccountResult{Failure::None, "", a};
}

TestReport AccountService::test(int64_t id, AccountProbe& probe, const std::string& actor) {
  TestReport report;
  auto settings = settingsFor(id);
  if (!settings) {
    auto r = accounts_->get(id);
    report.failure = !r ? Failure::Unavailable : r.value() ? Failure::Unusable : Failure::NotFound;
    report.detail = settings.errorMessage();
    return report;
  }
  try {
    report.stages = probe.test(settings.value());
  } catch (const std::exception& e) {
    // The probe should turn every failure into a stage; if one escapes, it still is one.
    report.stages.push_back({"connect", false, 0, std::string("internal error: ") + e.what()});
  }
  // Wipe the clear password as soon as the probe is done with it.
  std::fill(settings->password.begin(), settings->password.end(), '\0');

  static const char* const kStages[] = {"connect", "tls", "login", "list", "quarantine"};
  bool ok = !report.stages.empty();
  std::string failedStage;
  for (const auto& s : report.stages) {
    if (!s.ok) {
      ok = false;
      if (failedStage.empty()) failedStage = s.name;
    }
  }
  // Every stage must have run: a probe that stopped early without saying why has not passed.
  for (const char* name : kStages) {
    bool seen = false;
    for (const auto& s : report.stages) seen = seen || s.name == name;
    // tls is not a stage of a plain-text account.
    if (!seen && !(std::string(name) == "tls" && settings->tls == "none")) ok = false;
  }
  report.ok = ok;
  if (auto st = accounts_->recordTest(id, ok, clock_->nowMillis()); !st) {
    log().error("account " + std::to_string(id) + ": the test result was not recorded: " + st.errorMessage());
  }

  Poco::JSON::Object o;
  o.set("id", static_cast<Poco::Int64>(id));
  o.set("ok", ok);
  if (!failedStage.empty()) o.set("failed_stage", failedStage);
  std::ostringstream ss;
  o.stringify(ss);
  audit(actor, "account.test", ss.str());
  common::logEvent(log(), ok ? Poco::Message::PRIO_INFORMATION : Poco::Message::PRIO_WARNING,
                   {"account.test", 0, settings->name},
                   "account " + std::to_string(id) + " '" + common::sanitize(settings->name) + "' test by " + actor +
                       (ok ? ": ok" : ": failed at " + (failedStage.empty() ? std::string("?") : failedStage)));
  return report;
}

common::Result<std::string> AccountService::passwordFor(int64_t id) {
  auto read = accounts_->get(id);
  if (!read) return read.status().withContext("account " + std::to_string(id));
  const auto& r = read.value();
  if (!r) return common::Result<std::string>::error("account " + std::to_string(id) + ": no such account");
  auto opened = secrets_->open(r->passwordSealed, associatedData(id));
  if (!opened) {
    return common::Result<std::string>::error(
        "account " + std::to_string(id) + " '" + common::sanitize(r->name) +
        "': the stored password cannot be opened (" + opened.errorMessage() +
        "); was data_dir/secret.key replaced? Set the password again (PATCH /api/v1/accounts/" + std::to_string(id) +
        " with 'password')");
  }
  return opened;
}

common::Result<AccountSettings> AccountService::settingsFor(int64_t id) {
  auto read = accounts_->get(id);
  if (!read) return read.status().withContext("account " + std::to_string(id));
  const auto& r = read.value();
  if (!r) return common::Result<AccountSettings>::error("account " + std::to_string(id) + ": no such account");
  auto password = passwordFor(id);
  if (!password) return common::Result<AccountSettings>(password.status());
  return AccountSettings{r->id,
                         r->name,
                         r->host,
                         static_cast<uint16_t>(r->port),
                         r->tls,
                         r->username,
                         std::move(password).value(),
                         r->quarantineFolder,
                         r->intercept,
                         r->enabled};
}

void AccountService::subscribe(std::function<void(int64_t)> fn) {
  std::lock_guard<std::mutex> lock(observersMu_);
  observers_.push_back(std::move(fn));
}

void AccountService::notify(int64_t accountId) {
  std::vector<std::function<void(int64_t)>> observers;
  {
    std::lock_guard<std::mutex> lock(observersMu_);
    observers = observers_;
  }
  for (const auto& fn : observers) fn(accountId);
}

void AccountService::audit(const std::string& actor, const std::string& action, const std::string& details) {
  if (auto st = audit_->append(actor, action, 0, details, clock_->nowMillis()); !st) {
    common::logger("accounts").error("audit entry not written (" + st.errorMessage() + "): by=" + actor + " action=" + action);
  }
}

}  // namespace mg::accounts
