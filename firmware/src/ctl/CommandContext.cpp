#include "ctl/CommandContext.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/Text.h"
#include "ctl/ApiError.h"
#include "ctl/ExitCode.h"

namespace mg::ctl {

CommandContext::CommandContext(Invocation invocation, common::Settings settings, ApiEndpoint endpoint,
                               std::ostream& out, std::ostream& err)
    : invocation_(std::move(invocation)),
      settings_(std::move(settings)),
      endpoint_(std::move(endpoint)),
      out_(out),
      err_(err),
      clock_(&common::SystemClock::instance()) {}

std::string CommandContext::tokenFile() const {
  return invocation_.global.tokenFile ? *invocation_.global.tokenFile : settings_.storage.dataDir + "/cli.token";
}

size_t CommandContext::width() const {
  struct winsize ws {};
  if (::isatty(STDOUT_FILENO) != 0 && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  if (const char* cols = std::getenv("COLUMNS")) {
    const long n = std::strtol(cols, nullptr, 10);
    if (n > 0) return static_cast<size_t>(n);
  }
  return 100;
}

common::Result<ApiClient*> CommandContext::client() {
  if (client_) return client_.get();
  const std::string path = tokenFile();
  std::ifstream in(path);
  if (!in) {
    const int err = errno;
    std::string hint = err == ENOENT ? " — mailgated writes it when it starts: is it running? or pass --token-file"
                                     : " — run as root or as mailgated's user, or pass --token-file";
    return common::Result<ApiClient*>::error("cannot read the API token " + path + " (" + std::strerror(err) + ")" + hint);
  }
  std::ostringstream text;
  text << in.rdbuf();
  const std::string token(common::trim(text.str()));
  if (token.empty())
    return common::Result<ApiClient*>::error("the API token file " + path + " is empty — restart mailgated to rewrite it");
  client_ = std::make_unique<ApiClient>(endpoint_, token);
  return client_.get();
}

ApiClient& CommandContext::anonymousClient() {
  if (!anonymous_) anonymous_ = std::make_unique<ApiClient>(endpoint_, "");
  return *anonymous_;
}

int CommandContext::fail(const std::string& message) {
  err_ << "mailgatectl: " << message << "\n";
  return kExitFailed;
}

int CommandContext::failResponse(const ApiResponse& response, const std::string& context) {
  const std::string text = ApiError::describe(response, tokenFile());
  return fail(context.empty() ? text : context + ": " + text);
}

}  // namespace mg::ctl
