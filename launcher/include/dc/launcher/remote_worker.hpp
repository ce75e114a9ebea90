#pragma once
// The environment of a worker on another host (ssh, slurm, pbs), written once: the cookie
// leaves the environment (it reaches the worker on its standard input or in a 0600 file), the
// worker learns its id (given, or a base plus a scheduler's task number) and listens on the
// address that faces the master.

#include <dc/launcher/worker_command.hpp>

#include <optional>
#include <string>

namespace dc::launcher {

struct remote_worker_env {
    /// "" = the cookie is the first line of the worker's standard input (which also ends the
    /// worker when it closes); else the 0600 file that holds it.
    std::string cookie_file;
    std::optional<int> id;      ///< one worker: its id
    int id_base = 0;            ///< many workers with one environment: base + ...
    std::string id_offset_from; ///< ... the value of this variable (e.g. SLURM_PROCID)
    std::string bind_to = "auto";
};

/// Rewrites `cmd`'s environment for a worker started as `how` says; returns the cookie, which
/// the caller hands over (stdin or the file), never on a command line.
std::string make_remote(worker_command& cmd, const remote_worker_env& how);

} // namespace dc::launcher
