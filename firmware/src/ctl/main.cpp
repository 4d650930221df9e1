// mailgatectl: the operator CLI (CONTRACT §1). All logic lives in mg_ctl so it is testable.
#include <iostream>
#include <string>
#include <vector>

#include "ctl/Application.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return mg::ctl::Application::run(args, std::cout, std::cerr);
}
