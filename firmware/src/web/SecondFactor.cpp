#include "web/SecondFactor.h"

#include <cctype>

#include "common/Log.h"
#include "common/Text.h"
#include "crypto/ConstantTime.h"
#include "crypto/Encoding.h"
#include "crypto/Random.h"
#include "crypto/TokenHash.h"
#include "crypto/Totp.h"

namespace mg::web {

namespace {

// "xxxx-xxxx-xxxx-xxxx": 16 base32 characters, 80 random bits. Stored as a plain SHA-256
// (a recovery code must be checked against ten hashes at a login, so no PBKDF2): 80 bits keep
// a copied database from giving the codes up to a brute-force search.
constexpr size_t kRecoveryGroup = 4;
constexpr size_t kRecoveryChars = 16;
constexpr char kRecoveryAlphabet[] = "abcdefghijklmnopqrstuvwxyz234567";

std::string grouped(const std::string& chars) {
  std::string out;
  for (size_t i = 0; i < chars.size(); ++i) {
    if (i > 0 && i % kRecoveryGroup == 0) out += '-';
    out += chars[i];
  }
  return out;
}

std::vector<std::string> splitHashes(const std::string& stored) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < stored.size()) {
    size_t end = stored.find(',', start);
    if (end == std::string::npos) end = stored.size();
    if (end > start) out.push_back(stored.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::string joinHashes(const std::vector<std::string>& hashes) {
  std::string out;
  for (const auto& h : hashes) out += (out.empty() ? "" : ",") + h;
  return out;
}

bool looksLikeTotpCode(const std::string& s) {
  if (s.size() != static_cast<size_t>(crypto::Totp::kDigits)) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

std::string SecondFactor::normalizeRecoveryCode(const std::string& typed) {
  std::string chars;
  for (char c : typed) {
    if (c == '-' || c == ' ') continue;
    const char lower = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!((lower >= 'a' && lower <= 'z') || (lower >= '2' && lower <= '7'))) return "";
    chars += lower;
    if (chars.size() > kRecoveryChars) return "";
  }
  if (chars.size() != kRecoveryChars) return "";
  return grouped(chars);
}

std::string SecondFactor::recoveryHash(const std::string& username, const std::string& code) const {
  // The name is mixed in so one user's code list says nothing about another's.
  return crypto::TokenHash::hashToken("mailgate-recovery:" + username + ":" + code);
}

std::string SecondFactor::makeRecoveryCodes(const std::string& username, std::vector<std::string>& codes) const {
  codes.clear();
  std::vector<std::string> hashes;
  for (size_t i = 0; i < kRecoveryCodes; ++i) {
    const std::string random = crypto::Random::instance().bytes(kRecoveryChars);
    std::string chars;
    for (char r : random) chars += kRecoveryAlphabet[static_cast<unsigned char>(r) & 31];
    const std::string code = grouped(chars);
    codes.push_back(code);
    hashes.push_back(recoveryHash(username, code));
  }
  return joinHashes(hashes);
}

common::Result<std::optional<SecondFactor::Enrolment>> SecondFactor::begin(const std::string& username) {
  const std::string secret = crypto::Totp::generateSecret();
  auto stored = users_->setTotpPending(username, secrets_->seal(secret, pendingData(username)));
  if (!stored) return stored.status();
  if (!stored.value()) return std::optional<Enrolment>();
  Enrolment e;
  e.secret = crypto::base32Encode(secret);
  e.uri = crypto::Totp::uri(kIssuer, username, secret);
  return std::optional<Enrolment>(std::move(e));
}

common::Result<SecondFactor::Confirmed> SecondFactor::confirm(const std::string& username, const std::string& code) {
  auto found = users_->findUser(username);
  if (!found) return common::Result<Confirmed>::error(found.errorMessage());
  Confirmed result;
  if (!found.value() || found.value()->totpPending.empty()) {
    result.outcome = Confirm::NothingPending;
    return result;
  }
  const auto& user = *found.value();
  auto secret = secrets_->open(user.totpPending, pendingData(username));
  if (!secret) return common::Result<Confirmed>::error("the pending second-factor secret does not open: " + secret.errorMessage());
  const auto step = crypto::Totp::verify(secret.value(), code, nowSeconds(), -1);
  if (!step) return result;  // WrongCode
  std::vector<std::string> codes;
  const std::string hashes = makeRecoveryCodes(username, codes);
  // Sealed afresh for the active slot: the pending blob does not open there.
  auto enabled = users_->enableTotp(username, user.totpPending, secrets_->seal(secret.value(), associatedData(username)),
                                    *step, hashes);
  if (!enabled) return common::Result<Confirmed>::error(enabled.errorMessage());
  if (!enabled.value()) {
    result.outcome = Confirm::NothingPending;  // another confirm or a new enrolment came first
    return result;
  }
  result.outcome = Confirm::Enabled;
  result.recoveryCodes = std::move(codes);
  return result;
}

common::Result<SecondFactor::Check> SecondFactor::check(const store::UserRecord& user, const std::string& given) {
  Check result;
  const std::string typed(common::trim(given));
  if (looksLikeTotpCode(typed)) {
    auto secret = secrets_->open(user.totpSecret, associatedData(user.username));
    if (!secret) {
      // A data dir restored onto another device: the app's codes cannot be checked here.
      common::logger("web").error("the second-factor secret of '" + user.username +
                                  "' does not open (" + secret.errorMessage() +
                                  "): log in with a recovery code, or an admin resets it");
      return result;
    }
    const auto step = crypto::Totp::verify(secret.value(), typed, nowSeconds(), user.totpLastStep);
    if (!step) return result;
    auto used = users_->useTotpStep(user.username, user.totpSecret, *step);
    if (!used) return common::Result<Check>::error(used.errorMessage());
    if (used.value()) result.outcome = Outcome::Passed;  // else: the same code won a race just now
    return result;
  }
  const std::string code = normalizeRecoveryCode(typed);
  if (code.empty()) return result;
  const std::string wanted = recoveryHash(user.username, code);
  auto hashes = splitHashes(user.recoveryCodes);
  bool found = false;
  std::vector<std::string> left;
  for (const auto& h : hashes) {
    if (crypto::sameSecret(wanted, h)) found = true;
    else left.push_back(h);
  }
  if (!found) return result;
  auto spent = users_->replaceRecoveryCodes(user.username, user.recoveryCodes, joinHashes(left));
  if (!spent) return common::Result<Check>::error(spent.errorMessage());
  if (!spent.value()) return result;  // spent by a concurrent login
  result.outcome = Outcome::PassedWithRecoveryCode;
  result.recoveryCodesLeft = left.size();
  return result;
}

common::Result<bool> SecondFactor::replaceRecoveryCodes(const std::string& username, std::vector<std::string>& codes) {
  auto found = users_->findUser(username);
  if (!found) return common::Result<bool>::error(found.errorMessage());
  if (!found.value() || !found.value()->totpOn()) return false;
  const std::string hashes = makeRecoveryCodes(username, codes);
  return users_->replaceRecoveryCodes(username, found.value()->recoveryCodes, hashes);
}

}  // namespace mg::web
