#pragma once

#include <string>

namespace dc::detail {

/// The local IP address to listen on and advertise for `spec`: "" (loopback, 127.0.0.1), an
/// address literal ("10.1.2.3", "::1"), an interface name ("eth0", "ib0") or a CIDR block
/// ("10.1.0.0/16": the first local address inside it). Throws dc::config_error listing the
/// interfaces this host has when nothing matches.
std::string resolve_bind_address(const std::string& spec);

} // namespace dc::detail
