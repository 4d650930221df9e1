#include "app/GateDelegate.h"

#include <sys/statvfs.h>

#include "common/Clock.h"
#include "common/Log.h"
#include "common/Metrics.h"
#include "crypto/PasswordHash.h"

namespace mg::app {

GateDelegate::GateDelegate(quarantine::QuarantineService& quarantine, std::shared_ptr<store::UserRepository> users,
                           std::shared_ptr<health::SmtpStats> stats, std::string dataDir, uint64_t minFreeBytes,
                           const common::LimitSettings& limits)
    : quarantine_(quarantine),
      users_(std::move(users)),
      stats_(std::move(stats)),
      dataDir_(std::move(dataDir)),
      minFreeBytes_(minFreeBytes),
      failedLogins_(common::SystemClock::instance(), limits.loginAttempts, limits.loginWindowSeconds),
      passwordChecks_(kPasswordCheckSlots) {}

uint64_t GateDelegate::freeBytes(const std::string& path) {
  struct statvfs s {};
  if (::statvfs(path.c_str(), &s) != 0) return 0;
  return static_cast<uint64_t>(s.f_bavail) * s.f_frsize;
}

bool GateDelegate::diskHasRoom() { return freeBytes(dataDir_) >= minFreeBytes_; }

smtp::AuthVerdict GateDelegate::authenticate(const std::string& user, const std::string& password,
                                             const std::string& clientHost) {
  const std::string userKey = "user:" + user;
  const std::string hostKey = "host:" + clientHost;
  if (failedLogins_.lockedFor(userKey) > 0 || failedLogins_.lockedFor(hostKey) > 0) {
    common::Metrics::global().increment("mailgate_rate_limited_total", {{"endpoint", "smtp_auth"}});
    return smtp::AuthVerdict::Throttled;
  }
  if (!passwordChecks_.acquire(kPasswordCheckWaitMillis)) return smtp::AuthVerdict::Busy;
  auto found = users_->findUser(user);
  if (!found) {
    // A temporary 454, not a refusal: the password may well be right.
    common::logger("smtp").error("AUTH lookup failed: " + found.errorMessage());
    passwordChecks_.release();
    return smtp::AuthVerdict::Busy;
  }
  const auto& u = found.value();
  // Hash even for an unknown user so that timing does not tell which names exist.
  static const std::string kDummy = crypto::PasswordHash::hash("not-a-real-password-xx");
  const bool ok = crypto::PasswordHash::verify(password, u ? u->passwordHash : kDummy) && u.has_value();
  passwordChecks_.release();
  if (ok) {
    failedLogins_.recordSuccess(userKey);
    return smtp::AuthVerdict::Accepted;
  }
  failedLogins_.recordFailure(userKey);
  failedLogins_.recordFailure(hostKey);
  return smtp::AuthVerdict::Rejected;
}

std::unique_ptr<smtp::MessageSink> GateDelegate::openMessage(const smtp::Envelope& env) {
  spool::SpoolEnvelope envelope{env.mailFrom, env.rcptTo};
  auto writer = quarantine_.spool().begin(envelope);
  if (!writer) {
    ++stats_->errors;
    common::logger("smtp").error("cannot open a spool file for a message: " + writer.errorMessage());
    return nullptr;
  }
  return std::make_unique<SpoolSink>(std::move(writer.value()));
}

smtp::AcceptResult GateDelegate::tempFail(const std::string& why) {
  ++stats_->errors;
  common::logger("smtp").error("message not accepted: " + why);
  // Temporary: the client keeps the message and tries again; nothing is lost.
  return {smtp::AcceptResult::Kind::TempFail, "451 4.3.0 Cannot store the message now; try again later", "tempfail"};
}

smtp::AcceptResult GateDelegate::acceptMessage(const smtp::Envelope& env, smtp::MessageSink& message) {
  auto* sink = dynamic_cast<SpoolSink*>(&message);
  if (sink == nullptr) return tempFail("the message did not come through the spool");
  quarantine::IntakeRequest req;
  req.source = "smtp";
  req.mailFrom = env.mailFrom;
  req.rcptTo = env.rcptTo;
  req.smtpHelo = env.heloName;
  req.smtpClient = env.clientHost;
  req.smtpProtocol = env.protocol();
  req.smtpUtf8 = env.smtpUtf8;
  auto r = quarantine_.acceptStreamed(req, sink->writer());
  if (!r) return tempFail(r.errorMessage());
  ++stats_->messages;
  stats_->lastMessageMillis = common::SystemClock::instance().nowMillis();
  const bool queued = r->status == "queued";
  return {smtp::AcceptResult::Kind::Accepted,
          "250 2.0.0 Ok: " + std::string(queued ? "queued for relay as " : "held as ") + std::to_string(r->id),
          queued ? "relayed" : "held"};
}

}  // namespace mg::app
