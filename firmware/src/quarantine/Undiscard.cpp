// Undiscard: a discarded message back to held, the seed's "recover from a mistaken discard"
// without a database copy per operation. Possible for as long as retention keeps the bytes.
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Stringifier.h>

#include <sstream>

#include "common/Log.h"
#include "quarantine/QuarantineService.h"

namespace mg::quarantine {
namespace {

namespace st = store::status;

Poco::Logger& log() { return common::logger("quarantine"); }

ActionResult storeDown(int64_t id, const common::Status& s) {
  return {Outcome::Unavailable, id, "", "the message store is not available: " + s.message(), ""};
}

}  // namespace

ActionResult QuarantineService::undiscard(int64_t id, const Actor& actor) {
  const std::string name = "message " + std::to_string(id);
  auto read = deps_.messages->get(id);
  if (!read) return storeDown(id, read.status());
  const auto& m = read.value();
  if (!m || m->status == store::kPurgingStatus) {
    if (m) return {Outcome::Gone, id, "", name + " was purged by retention; it cannot be put back", ""};
    if (deps_.retention) {
      auto purged = deps_.retention->wasPurged(id);
      if (!purged) return storeDown(id, purged.status());
      if (purged.value()) return {Outcome::Gone, id, "", name + " was purged by retention; it cannot be put back", ""};
    }
    return {Outcome::NotFound, id, "", "no " + name, ""};
  }
  if (m->status == st::kHeld) return {Outcome::AlreadyDone, id, m->status, "already held", ""};
  if (m->status != st::kDiscarded) {
    return {Outcome::Conflict, id, m->status, name + " is " + m->status + "; only discarded mail can be put back", ""};
  }
  // Every version must still be there: a held message is one that can be released.
  auto versions = deps_.messages->versions(id);
  if (!versions) return storeDown(id, versions.status());
  for (const auto& v : versions.value()) {
    if (!deps_.spool->exists(v.spoolName)) {
      return {Outcome::Gone, id, m->status, name + ": its stored bytes (" + v.spoolName + ") are gone", ""};
    }
  }
  auto won = deps_.messages->transition(id, {st::kDiscarded}, st::kHeld);
  if (!won) return storeDown(id, won.status());
  if (!won.value()) {
    auto again = deps_.messages->get(id);
    if (!again) return storeDown(id, again.status());
    const auto& row = again.value();
    if (row && row->status == st::kHeld) return {Outcome::AlreadyDone, id, row->status, "already held", ""};
    if (!row || row->status == store::kPurgingStatus) {
      return {Outcome::Gone, id, "", name + " was purged by retention; it cannot be put back", ""};
    }
    return {Outcome::Conflict, id, row ? row->status : "",
            name + " is " + (row ? row->status : std::string("gone")) + "; it cannot be put back", ""};
  }
  Poco::JSON::Object details;
  details.set("previous_status", st::kDiscarded);
  std::ostringstream text;
  Poco::JSON::Stringifier::condense(details, text);
  audit(actor, "undiscard", id, text.str());
  common::logEvent(log(), Poco::Message::PRIO_INFORMATION, {"undiscard", id, ""}, "by=" + actor.name);
  emit(id, st::kHeld);
  return {Outcome::Done, id, st::kHeld, "", ""};
}

}  // namespace mg::quarantine
