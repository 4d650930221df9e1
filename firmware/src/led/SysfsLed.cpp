#include "led/SysfsLed.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <vector>

namespace mg::led {

namespace {
bool writeText(const std::string& path, const std::string& text) {
  // One write(2) per value, as sysfs attributes want (no buffering, no partial lines).
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_TRUNC);
  if (fd < 0) return false;
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  return ok;
}

std::vector<std::string> ledsIn(const std::string& dir) {
  std::vector<std::string> out;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      if (e->d_name[0] != '.') out.emplace_back(e->d_name);
    }
    closedir(d);
  }
  return out;
}
}  // namespace

SysfsLed::SysfsLed(std::string ledsDir, std::string name)
    : ledsDir_(std::move(ledsDir)), name_(std::move(name)), dir_(ledsDir_ + "/" + name_) {}

common::Status SysfsLed::open() {
  struct stat st {};
  if (name_.empty() || name_.find('/') != std::string::npos || ::stat(dir_.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    std::string available;
    for (const auto& n : ledsIn(ledsDir_)) available += (available.empty() ? "" : ", ") + n;
    return common::Status::error("health.led '" + name_ + "': no such LED in " + ledsDir_ + " (" +
                                 (available.empty() ? std::string("it has none") : "there are: " + available) +
                                 "); set [health] led to one of them, or to none");
  }
  std::ifstream max(dir_ + "/max_brightness");
  std::string value;
  if (max >> value && !value.empty() && value != "0") maxBrightness_ = value;
  // A kernel trigger (heartbeat, mmc0) would fight our writes; "none" hands the LED to us.
  if (::access((dir_ + "/trigger").c_str(), F_OK) == 0 && !writeText(dir_ + "/trigger", "none")) {
    return common::Status::error("health.led '" + name_ + "': cannot write " + dir_ + "/trigger: " + std::strerror(errno) +
                                 " (mailgate-led needs write access to the LED's files)");
  }
  if (!set(false)) {
    return common::Status::error("health.led '" + name_ + "': cannot write " + dir_ + "/brightness: " + std::strerror(errno));
  }
  return common::Status::success();
}

bool SysfsLed::set(bool on) { return writeText(dir_ + "/brightness", on ? maxBrightness_ : "0"); }

}  // namespace mg::led
