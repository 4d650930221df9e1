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
  bool addUser(const UserRecord& u);
  std::optional<UserRecord> findUser(const std::string& username);
  std::vector<UserRecord> users();
  bool updateUser(const std::string& username, const std::optional<std::string>& passwordHash,
                  const std::optional<std::string>& role);
  bool removeUser(const std::string& username);
  int64_t userCount();

  int64_t addToken(const TokenRecord& t);
  std::optional<TokenRecord> findTokenByHash(const std::string& tokenHash);
  std::vector<TokenRecord> tokens();
  bool removeToken(int64_t id);
  void touchToken(int64_t id, int64_t atMillis);

 private:
  std::shared_ptr<Database> db_;
};

}  // namespace mg::store
