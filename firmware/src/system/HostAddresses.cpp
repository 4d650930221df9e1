#include "system/HostAddresses.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

#include <algorithm>
#include <cstring>

namespace mg::system {

std::vector<std::string> hostAddresses() {
  std::vector<std::string> out;
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return out;
  for (ifaddrs* a = list; a != nullptr; a = a->ifa_next) {
    if (a->ifa_addr == nullptr || (a->ifa_flags & IFF_LOOPBACK) != 0) continue;
    char text[INET6_ADDRSTRLEN] = {};
    // Copied out, not cast: a sockaddr* promises less alignment than sockaddr_in6 needs, and
    // 32-bit ARM (armhf) traps on what x86 forgives.
    if (a->ifa_addr->sa_family == AF_INET) {
      sockaddr_in in{};
      std::memcpy(&in, a->ifa_addr, sizeof(in));
      if (::inet_ntop(AF_INET, &in.sin_addr, text, sizeof(text)) == nullptr) continue;
    } else if (a->ifa_addr->sa_family == AF_INET6) {
      sockaddr_in6 in6{};
      std::memcpy(&in6, a->ifa_addr, sizeof(in6));
      if (IN6_IS_ADDR_LINKLOCAL(&in6.sin6_addr)) continue;
      if (::inet_ntop(AF_INET6, &in6.sin6_addr, text, sizeof(text)) == nullptr) continue;
    } else {
      continue;
    }
    if (std::find(out.begin(), out.end(), text) == out.end()) out.emplace_back(text);
  }
  ::freeifaddrs(list);
  return out;
}

}  // namespace mg::system
