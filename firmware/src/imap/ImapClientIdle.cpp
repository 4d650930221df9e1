// ImapClient: waiting for mailbox activity (IDLE or NOOP polling) and LOGOUT.
#include <optional>
#include <thread>

#include "common/Text.h"
#include "imap/ImapClient.h"
#include "imap/ImapConnection.h"
#include "imap/detail/CurrentError.h"

namespace mg::imap {

namespace {
constexpr std::chrono::milliseconds kPollSlice(100);
}

common::Result<Activity> ImapClient::noop() {
  auto reply = execute(Command("NOOP"), "NOOP");
  if (!reply) return reply.status();
  return takeActivity(Activity::Kind::Timeout);
}

common::Result<Activity> ImapClient::waitForActivity(std::chrono::milliseconds timeout) {
  if (!selected_) return common::Status::error("waiting for mail: no mailbox selected");
  if (pending_.kind == Activity::Kind::Changed) return takeActivity(Activity::Kind::Changed);
  if (interrupt_.exchange(false)) return takeActivity(Activity::Kind::Interrupted);
  return idleSupported() ? idle(timeout) : poll(timeout);
}

namespace {
// Sets the flag for as long as the scope lasts.
class WaitingFlag {
 public:
  explicit WaitingFlag(std::atomic<bool>& f) : f_(f) { f_.store(true); }
  ~WaitingFlag() { f_.store(false); }
  WaitingFlag(const WaitingFlag&) = delete;
  WaitingFlag& operator=(const WaitingFlag&) = delete;

 private:
  std::atomic<bool>& f_;
};
}  // namespace

common::Result<Activity> ImapClient::poll(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  {
    WaitingFlag waiting(waiting_);
    while (std::chrono::steady_clock::now() < deadline) {
      if (interrupt_.exchange(false)) return takeActivity(Activity::Kind::Interrupted);
      std::this_thread::sleep_for(std::min(kPollSlice, std::chrono::duration_cast<std::chrono::milliseconds>(
                                                           deadline - std::chrono::steady_clock::now())));
    }
  }
  auto reply = execute(Command("NOOP"), "NOOP");
  if (!reply) return reply.status();
  return takeActivity(Activity::Kind::Timeout);
}

common::Result<Activity> ImapClient::idle(std::chrono::milliseconds timeout) {
  if (!connected()) return common::Status::error("IDLE: not connected");
  const std::string tag = nextTag();
  try {
    conn_->write(tag + " IDLE\r\n");
    for (;;) {  // until "+ idling"
      Response r = conn_->read();
      if (r.kind == Response::Kind::Continuation) break;
      if (r.kind == Response::Kind::Tagged) {
        lastCompletion_ = r;
        return common::Status::error("IDLE: " + r.describe());
      }
      onUntagged(r);
    }
    Activity::Kind why = Activity::Kind::Timeout;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::optional<WaitingFlag> waiting(std::in_place, waiting_);
    while (pending_.kind != Activity::Kind::Changed) {
      const auto now = std::chrono::steady_clock::now();
      if (now >= deadline) break;
      auto r = conn_->readFor(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now), &interrupt_);
      if (!r) {
        if (interrupt_.exchange(false)) why = Activity::Kind::Interrupted;
        break;
      }
      if (r->kind != Response::Kind::Untagged) throw ImapProtocolError("unexpected response during IDLE: " + r->describe());
      onUntagged(*r);
      if (r->name == "BYE") throw ImapProtocolError("server ended the session");
    }
    waiting.reset();
    conn_->write("DONE\r\n");
    for (;;) {
      Response r = conn_->read();
      if (r.kind == Response::Kind::Untagged) {
        onUntagged(r);
        continue;
      }
      if (r.kind != Response::Kind::Tagged || r.tag != tag) throw ImapProtocolError("unexpected response after DONE");
      lastCompletion_ = r;
      if (r.name != "OK") return common::Status::error("IDLE: " + r.describe());
      return takeActivity(why);
    }
  } catch (...) {
    return fail("IDLE", detail::currentError(options_.timeout));
  }
}

common::Status ImapClient::logout() {
  if (!connected()) return common::Status::success();
  auto reply = execute(Command("LOGOUT"), "LOGOUT");
  close();
  // After BYE the server may close before the tagged OK arrives: that is a normal end.
  if (!reply && !byeText_.empty()) return common::Status::success();
  return reply.status();
}

}  // namespace mg::imap
