#pragma once
// The box's own addresses on its network interfaces, for the self-signed certificate's
// subjectAltName: a LAN browser that opens https://192.168.1.20 then sees a certificate for
// that very address. Loopback and link-local IPv6 (which needs a zone) are left out.
#include <string>
#include <vector>

namespace mg::system {

std::vector<std::string> hostAddresses();

}  // namespace mg::system
