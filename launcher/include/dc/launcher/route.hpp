#pragma once
// Which local address faces another host: the source address the kernel picks for a packet
// to it (a UDP connect sends nothing). Used to listen where remote workers can reach us.

#include <string>

namespace dc::launcher {

/// The local IP address used to reach `host` (a name or an address literal). Throws
/// dc::launch_error naming the host when it cannot be resolved or has no route.
std::string source_address_towards(const std::string& host);

/// The local address of the default route (what compute nodes of a batch system reach us
/// by), or "" when this host has no route off itself.
std::string default_route_address();

/// True for 127.0.0.0/8, ::1 and names that resolve only to those.
bool is_loopback_host(const std::string& host);

} // namespace dc::launcher
