#pragma once
// What the link's two files (ssh_link.cpp: sessions and workers' channels; ssh_tunnel.cpp: the
// reverse tunnel) share: libssh types behind the link's opaque handles, writing all of a
// buffer to a channel, and a tunnel connection.

#include "ssh/ssh_link.hpp"

#include <libssh/libssh.h>

#include <cstdint>

namespace dc::managers {

inline ssh_session as_session(void* s) {
    return static_cast<ssh_session>(s);
}

inline bool write_channel(ssh_channel channel, const char* data, std::size_t size) {
    while (size > 0) {
        const int n = ssh_channel_write(channel, data, static_cast<std::uint32_t>(size));
        if (n <= 0) return false;
        data += n;
        size -= static_cast<std::size_t>(n);
    }
    return true;
}

/// One connection a worker made to the tunnel's port on its host, joined to the master.
struct ssh_link::relay {
    ssh_channel channel = nullptr;
    int fd = -1;
};

} // namespace dc::managers
