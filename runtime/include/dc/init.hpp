#pragma once
// Process lifecycle: the first and (optionally) last lines of a dc program.

namespace dc {

/// First line of main. In a worker process it connects to the master, serves calls and exits
/// the process (it never returns). In the master it starts the workers dcrun asked for and
/// returns. Run without dcrun, the program is a cluster of one process.
/// Throws dc::launch_error if the requested workers cannot be started and dc::config_error if
/// dcrun's settings are malformed.
void init(int argc, char** argv);

/// Removes all workers and waits for them to exit. Runs automatically at normal exit.
void finalize();

} // namespace dc
