#pragma once
// Release and discard of IMAP mail (quarantine::DeliveryPort for source "imap").
//  - unedited release: the message gets $MailgateReleased and is UID MOVEd back to INBOX;
//  - edited release (or the original no longer in Quarantine): the stored version is
//    APPENDed to INBOX with the keyword and mailgate's X-Mailgate-Release header — unless INBOX
//    already holds it (searched by that header + keyword first, so a retry never appends
//    twice) — then the original is removed;
//  - discard: the original is removed from Quarantine (\Deleted + UID EXPUNGE, or a safe
//    EXPUNGE without UIDPLUS), or from INBOX when it was never moved.
// The original is found by its recorded UID or by its bytes (MessageIdentity.h).
// A missing Quarantine folder, a failed login or a refused command come back as an outcome
// with a reason an operator can act on; nothing throws.
#include "quarantine/DeliveryPort.h"
#include "watcher/ConnectionSource.h"

namespace mg::watcher {

class ImapDeliveryPort : public quarantine::DeliveryPort {
 public:
  explicit ImapDeliveryPort(ConnectionSource& source) : source_(source) {}

  quarantine::DeliveryOutcome deliver(const quarantine::DeliveryRequest& request) override;
  quarantine::DeliveryOutcome discard(const quarantine::DeliveryRequest& request) override;

 private:
  quarantine::DeliveryOutcome run(const quarantine::DeliveryRequest& request, bool release);

  ConnectionSource& source_;
};

}  // namespace mg::watcher
