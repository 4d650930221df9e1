#include "web/ApiContext.h"

#include "common/Log.h"

namespace mg::web {

void ApiContext::auditAction(const std::string& user, const std::string& action, const std::string& details) const {
  if (auto st = audit->append(user, action, 0, details, clock->nowMillis()); !st) {
    common::logger("web").error("audit entry not written (" + st.errorMessage() + "): by=" + user + " action=" + action +
                                " " + details);
  }
}

}  // namespace mg::web
