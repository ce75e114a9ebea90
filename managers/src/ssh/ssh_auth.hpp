#pragma once
// Opening an SSH session the way OpenSSH's client would: connect, check the host key against
// known_hosts (strict, accept-new or off), authenticate with a key.

#include <dc/managers/ssh_manager.hpp>

namespace dc::managers {

/// A connected, authenticated ssh_session (as void* to keep libssh out of headers). Retries a
/// connection that sshd dropped before the handshake (MaxStartups). Throws dc::launch_error
/// saying what failed on which host and what to do.
void* open_authenticated_session(const ssh_host& host, const ssh_settings& settings);

/// `path` with a leading "~/" replaced by $HOME.
std::string expand_home(const std::string& path);

} // namespace dc::managers
