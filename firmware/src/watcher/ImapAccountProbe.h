#pragma once
// "Test this account" (POST /api/v1/accounts/{id}/test), stage by stage with the real client:
// connect (TCP) · tls (handshake; only when the account uses TLS) · login · list (namespace
// and folders) · quarantine (where the folder is, and whether it exists — a missing one is
// fine, the watcher creates it). Changes nothing on the server.
#include "accounts/AccountProbe.h"
#include "imap/ClientOptions.h"

namespace mg::watcher {

class ImapAccountProbe : public accounts::AccountProbe {
 public:
  explicit ImapAccountProbe(imap::ClientOptions base = {}) : base_(std::move(base)) {}
  std::vector<accounts::ProbeStage> test(const accounts::AccountSettings& settings) override;

 private:
  imap::ClientOptions base_;
};

}  // namespace mg::watcher
