#pragma once
// What every command needs: the parsed invocation, the daemon's settings and address, the
// output streams (injected, so commands can be tested), and an API client made on first use
// (commands that stay offline never read the token).
#include <cstddef>
#include <memory>
#include <ostream>
#include <string>

#include "common/Clock.h"
#include "common/Settings.h"
#include "ctl/ApiClient.h"
#include "ctl/ApiEndpoint.h"
#include "ctl/Invocation.h"

namespace mg::ctl {

class CommandContext {
 public:
  CommandContext(Invocation invocation, common::Settings settings, ApiEndpoint endpoint, std::ostream& out,
                 std::ostream& err);

  const Invocation& invocation() const { return invocation_; }
  const common::Settings& settings() const { return settings_; }
  const ApiEndpoint& endpoint() const { return endpoint_; }
  std::string tokenFile() const;
  std::ostream& out() { return out_; }
  std::ostream& err() { return err_; }
  const common::Clock& clock() const { return *clock_; }
  void setClock(const common::Clock& clock) { clock_ = &clock; }
  // Columns for tables: the terminal's, else $COLUMNS, else 100 (a pipe gets whole lines).
  size_t width() const;

  // Reads the token file; an error says which file and what to do.
  common::Result<ApiClient*> client();
  // A client that sends no token (GET /healthz needs none).
  ApiClient& anonymousClient();

  // Prints "mailgatectl: <message>" and returns kExitFailed.
  int fail(const std::string& message);
  // The same for a non-2xx answer, via ApiError.
  int failResponse(const ApiResponse& response, const std::string& context = "");

 private:
  Invocation invocation_;
  common::Settings settings_;
  ApiEndpoint endpoint_;
  std::ostream& out_;
  std::ostream& err_;
  const common::Clock* clock_;
  std::unique_ptr<ApiClient> client_;
  std::unique_ptr<ApiClient> anonymous_;
};

}  // namespace mg::ctl
