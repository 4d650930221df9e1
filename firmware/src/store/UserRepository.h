#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/Database.h"

namespace mg::store {

struct UserRecord {
  int64_t id = 0;
  std::string username;
  std::string passwordHash;  // PBKDF2 encoding from crypto::PasswordHash; never leaves the daemon
  std::string role;          // admin | reviewer
  int64_t createdAt = 0;
  std::string totpSecret;    // sealed (SecretBox); "" when the second factor is off
  std::string totpPending;   // sealed secret of an enrolment not yet confirmed, or ""
  int64_t totpLastStep = 0;  // the last TOTP step accepted
  std::string recoveryCodes; // comma-separated SHA-256 hex of the unused recovery codes

  bool totpOn() const { return !totpSecret.empty(); }
};

struct TokenRecord {
  int64_t id = 0;
  std::string name;
  std::string tokenHash;  // SHA-256 hex of the token; the token itself is shown once
  std::string role;
  std::string createdBy;
  int64_t createdAt = 0;
  int64_t lastUsedAt = 0;
};

// Operators and API tokens: who may do what.
class UserRepository {
 public:
  explicit UserRepository(std::shared_ptr<Database> db) : db_(std::move(db)) {}

  // False when the name is taken.
  common::Result<bool> addUser(const UserRecord& u);
  common::Result<std::optional<UserRecord>> findUser(const std::string& username);
  common::Result<std::vector<UserRecord>> users();
  common::Result<bool> updateUser(const std::string& username, const std::optional<std::string>& passwordHash,
                  const std::optional<std::string>& role);
  common::Result<bool> removeUser(const std::string& username);
  common::Result<int64_t> userCount();

  // The second factor. Each change that races a login (a step used, a recovery code spent,
  // an enrolment confirmed) is a compare-and-set, false when another request got there first.
  // False also when TOTP is on: a new phone only after turning it off.
  common::Result<bool> setTotpPending(const std::string& username, const std::string& sealedSecret);
  // Turns TOTP on with the pending secret `expectedPending`; `lastStep` is the step that confirmed it.
  common::Result<bool> enableTotp(const std::string& username, const std::string& expectedPending,
                                  const std::string& sealedSecret, int64_t lastStep, const std::string& recoveryCodes);
  // Off: secret, pending enrolment and recovery codes all cleared.
  common::Result<bool> disableTotp(const std::string& username);
  // Records `step` as used unless it, or a later one, already was, or the secret is no longer
  // `sealedSecret` (the one the code was checked against).
  common::Result<bool> useTotpStep(const std::string& username, const std::string& sealedSecret, int64_t step);
  common::Result<bool> replaceRecoveryCodes(const std::string& username, const std::string& expected,
                                            const std::string& replacement);

  common::Result<int64_t> addToken(const TokenRecord& t);
  common::Result<std::optional<TokenRecord>> findTokenByHash(const std::string& tokenHash);
  common::Result<std::vector<TokenRecord>> tokens();
  common::Result<bool> removeToken(int64_t id);
  common::Status touchToken(int64_t id, int64_t atMillis);

 private:
  std::shared_ptr<Database> db_;
};

}  // namespace mg::store
