#pragma once
// Command lines for a POSIX shell on another host (ssh) or in a batch script (slurm, pbs).

#include <dc/launcher/run_tool.hpp>
#include <dc/launcher/worker_command.hpp>

#include <map>
#include <string>

namespace dc::managers {

using launcher::shell_quote;

/// `cd DIR && exec env K=V... EXE ARGS...`: the worker command as one sh command line.
/// `env` is applied on top of the remote login environment (secrets must not be in it).
/// Without `replace_shell` the shell stays (to record the exit status afterwards).
std::string shell_command(const launcher::worker_command& cmd, bool replace_shell = true);

} // namespace dc::managers
