#pragma once
// mailgatectl from argv to exit code: parse, load the config, pick the daemon's address,
// dispatch. Streams are parameters so the whole program can run inside a unit test.
#include <ostream>
#include <string>
#include <vector>

namespace mg::ctl {

class Application {
 public:
  // `args` excludes argv[0]. Returns an ExitCode.
  static int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
  static const char* version();
};

}  // namespace mg::ctl
