#pragma once
// Listening and connecting. Addresses are text so they can travel in messages and environment:
// "unix:@<name>" (Linux abstract socket, same host only, nothing to clean up) or
// "tcp:<host>:<port>" ("tcp:[::1]:<port>" for IPv6).

#include <chrono>
#include <memory>
#include <string>

namespace dc::detail {

class listener {
public:
    virtual ~listener() = default;
    /// Descriptor to watch for readability (a pending connection).
    virtual int fd() const = 0;
    /// Accepts one pending connection; returns its descriptor or -1 if none is pending.
    virtual int accept_one() = 0;
    /// The address peers connect to.
    virtual const std::string& address() const = 0;
};

/// Listens on a fresh abstract Unix socket.
std::unique_ptr<listener> listen_unix();
/// Listens on an ephemeral TCP port of `host` (an address literal). Throws dc::error.
std::unique_ptr<listener> listen_tcp(const std::string& host);

/// Connects to `address`; returns the connected descriptor. Throws dc::error naming the address
/// and the cause (refused, timed out, malformed address).
int connect_to(const std::string& address, std::chrono::milliseconds timeout);

/// True for "unix:" addresses.
bool is_local_address(const std::string& address);

} // namespace dc::detail
