#pragma once
// What the SMTP gate does with a session's requests: disk check, AUTH against operator
// users, and handing accepted mail to the quarantine service (which makes it durable).
#include <atomic>
#include <memory>
#include <string>

#include "common/AttemptLimiter.h"
#include "common/Settings.h"
#include "health/SmtpStats.h"
#include "quarantine/QuarantineService.h"
#include "smtp/SmtpSessionDelegate.h"
#include "store/UserRepository.h"

namespace mg::app {

class GateDelegate final : public smtp::SmtpSessionDelegate {
 public:
  // One PBKDF2 check at a time: guessing clients queue behind each other on one core
  // instead of pinning all of them (a check costs ~0.5 s of a Pi core).
  static constexpr unsigned kPasswordCheckSlots = 1;
  static constexpr int64_t kPasswordCheckWaitMillis = 10'000;
  GateDelegate(quarantine::QuarantineService& quarantine, std::shared_ptr<store::UserRepository> users,
               std::shared_ptr<health::SmtpStats> stats, std::string dataDir, uint64_t minFreeBytes,
               const common::LimitSettings& limits);
  bool diskHasRoom() override;
  // [limits] login_attempts per login_window_seconds, counted per user and per client
  // address; the PBKDF2 check itself runs in at most kPasswordCheckSlots threads at once.
  smtp::AuthVerdict authenticate(const std::string& user, const std::string& password,
                                 const std::string& clientHost) override;
  // DATA goes straight into a spool temp file (SpoolSink): no message is ever whole in memory.
  std::unique_ptr<smtp::MessageSink> openMessage(const smtp::Envelope& env) override;
  smtp::AcceptResult acceptMessage(const smtp::Envelope& env, smtp::MessageSink& message) override;
  void setMinFreeBytes(uint64_t bytes) { minFreeBytes_ = bytes; }
  void setLoginLimits(const common::LimitSettings& limits) {
    failedLogins_.setLimits(limits.loginAttempts, limits.loginWindowSeconds);
  }

  static uint64_t freeBytes(const std::string& path);  // 0 when it cannot be read

  // The sink openMessage gives: a spool writer.
  class SpoolSink final : public smtp::MessageSink {
   public:
    explicit SpoolSink(std::unique_ptr<spool::SpoolWriter> writer) : writer_(std::move(writer)) {}
    void write(std::string_view bytes) override { writer_->append(bytes); }
    spool::SpoolWriter& writer() { return *writer_; }

   private:
    std::unique_ptr<spool::SpoolWriter> writer_;
  };

 private:
  smtp::AcceptResult tempFail(const std::string& why);

  quarantine::QuarantineService& quarantine_;
  std::shared_ptr<store::UserRepository> users_;
  std::shared_ptr<health::SmtpStats> stats_;
  std::string dataDir_;
  std::atomic<uint64_t> minFreeBytes_;
  common::AttemptLimiter failedLogins_;
  common::WorkSlots passwordChecks_;
};

}  // namespace mg::app
