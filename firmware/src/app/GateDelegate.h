#pragma once
// What the SMTP gate does with a session's requests: disk check, AUTH against operator
// users, and handing accepted mail to the quarantine service (which makes it durable).
#include <memory>
#include <string>

#include "health/SmtpStats.h"
#include "quarantine/QuarantineService.h"
#include "smtp/SmtpSessionDelegate.h"
#include "store/UserRepository.h"

namespace mg::app {

class GateDelegate final : public smtp::SmtpSessionDelegate {
 public:
  GateDelegate(quarantine::QuarantineService& quarantine, std::shared_ptr<store::UserRepository> users,
               std::shared_ptr<health::SmtpStats> stats, std::string dataDir, uint64_t minFreeBytes);
  bool diskHasRoom() override;
  bool authenticate(const std::string& user, const std::string& password) override;
  smtp::AcceptResult acceptMessage(const smtp::Envelope& env, std::string raw) override;

  static uint64_t freeBytes(const std::string& path);  // 0 when it cannot be read

 private:
  quarantine::QuarantineService& quarantine_;
  std::shared_ptr<store::UserRepository> users_;
  std::shared_ptr<health::SmtpStats> stats_;
  std::string dataDir_;
  uint64_t minFreeBytes_;
};

}  // namespace mg::app
