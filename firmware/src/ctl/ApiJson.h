#pragma once
// The API's JSON answers as plain structs, so the formatters (HeldTable, MessageView,
// StatusView) are pure and testable without POCO. Lenient where the contract is loose
// (a field missing or null is empty); an answer that is not the expected object is an error.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/Status.h"

namespace mg::ctl {

struct MessageSummary {
  int64_t id = 0;
  std::string source;   // smtp | imap
  std::string status;   // held | releasing | …
  std::string messageId;
  std::string from;
  std::vector<std::string> to;
  std::string subject;
  std::string receivedAt;                 // ISO 8601 UTC, as sent
  std::optional<int64_t> receivedAtMillis;  // parsed; empty when unparseable
  int64_t size = 0;
  bool hasAttachments = false;
  std::string json;  // the item exactly as the API sent it, compact (held --json)
};

struct MessagePage {
  std::vector<MessageSummary> items;
  std::optional<std::string> next;  // the `before` cursor of the next page
};

struct AttachmentInfo {
  std::string filename;
  std::string contentType;
  int64_t size = 0;
};

struct MessageDetail {
  MessageSummary summary;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string mailFrom;
  std::vector<std::string> rcptTo;
  std::string text;
  bool htmlPresent = false;
  std::vector<AttachmentInfo> attachments;
  int64_t versions = 1;
  std::string failureReason;
};

struct HealthReport {
  std::string status;  // ok | degraded | failed
  std::vector<std::pair<std::string, std::string>> checks;  // name → "ok" or "failed: why"
};

struct ReleaseOutcome {
  int64_t id = 0;
  std::string status;
  bool alreadyReleased = false;
};

class ApiJson {
 public:
  static common::Result<MessagePage> parsePage(const std::string& body);
  static common::Result<MessageDetail> parseDetail(const std::string& body);
  static common::Result<HealthReport> parseHealth(const std::string& body);
  // `GET /api/v1/smtp/health` as ordered (name, value) pairs for display.
  static common::Result<std::vector<std::pair<std::string, std::string>>> parseFlat(const std::string& body);
  static common::Result<ReleaseOutcome> parseRelease(const std::string& body);
  // The `token` field of `POST /api/v1/tokens`' answer.
  static common::Result<std::string> parseCreatedToken(const std::string& body);
  // GET /api/v1/status's tls_fingerprint: "" when the page is served over plain HTTP.
  static common::Result<std::string> parseFingerprint(const std::string& body);
  // "2024-05-01T12:00:00Z" (fractions and offsets allowed) → Unix milliseconds.
  static std::optional<int64_t> parseTimestamp(const std::string& iso8601);
  // {"to":[…]} for a release, or "{}".
  static std::string releaseBody(const std::vector<std::string>& to);
  static std::string tokenBody(const std::string& name, const std::string& role);
  static std::string userBody(const std::string& username, const std::string& password, const std::string& role);
};

}  // namespace mg::ctl
