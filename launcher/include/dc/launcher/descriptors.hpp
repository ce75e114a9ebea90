#pragma once
// File descriptors at scale: a master holds a socket, a pipe and a pidfd per local worker, so
// thousands of workers need thousands of descriptors. The soft limit is raised to the hard one,
// and a launch that cannot fit is refused before anything starts.

namespace dc::launcher {

/// Descriptors a master keeps per worker (link, output pipe, pidfd, and a spare for a peer
/// link or a transfer), and what it keeps besides.
inline constexpr int descriptors_per_worker = 4;
inline constexpr int descriptors_besides_workers = 64;

/// Raises this process's soft RLIMIT_NOFILE to its hard limit; returns the new soft limit.
int raise_descriptor_limit() noexcept;

/// Throws dc::launch_error ("N workers need about D descriptors; the hard limit is H; raise it
/// with ulimit -n") unless `workers` workers in all fit under the (raised) limit.
void check_descriptors_for(int workers);

} // namespace dc::launcher
