#pragma once
// Process lifecycle: the first and (optionally) last lines of a dc program.

namespace dc {

/// First line of main. In a worker process it connects to the master, serves calls and exits
/// the process (it never returns). In the master it starts the workers dcrun asked for and
/// returns. Run without dcrun, the program is a cluster of one process.
///
/// It throws nothing: there is no cluster for the program to carry on with when the workers
/// dcrun asked for cannot be had, so it prints "dcrun: <what went wrong>" on stderr and exits
/// the process with the documented codes: 2 when dcrun's settings are malformed (a
/// dc::config_error), 3 when the workers cannot be started (a dc::launch_error, naming the
/// worker, host and cause). A worker that cannot join its master exits with 3 too. To handle
/// such failures in the program, start workers with dc::addprocs, which throws them.
/// Also installs: finalize at exit, a graceful SIGINT/SIGTERM handler (see dc::interrupt), and
/// a terminate handler that prints an uncaught dc::remote_exception with the worker's stack.
void init(int argc, char** argv);

/// Removes all workers and waits for them to exit. Runs automatically at normal exit.
void finalize();

} // namespace dc
