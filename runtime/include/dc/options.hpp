#pragma once
// Options of dc::addprocs, named after Julia's addprocs keywords.

#include <map>
#include <string>
#include <vector>

namespace dc {

/// Which processes may talk to each other.
enum class topology {
    all_to_all,    ///< every process may call every other (links made lazily on first use)
    master_worker, ///< workers talk only to the master
};

/// How workers are started. Every field has a sensible default.
struct options {
    /// Program the workers run; default: the master's own executable (same build required).
    std::string exename;
    /// Extra command-line arguments given to each worker process.
    std::vector<std::string> exeflags;
    /// Working directory of the workers; default: the master's current directory.
    std::string dir;
    /// Variables added to the workers' environment (which otherwise is the master's).
    std::map<std::string, std::string> env;
    /// Which links between processes are allowed.
    dc::topology topology = dc::topology::all_to_all;
    /// Make worker-to-worker links on first use rather than at start-up.
    bool lazy = true;
    /// Seconds a worker may take from being started to connecting back.
    double timeout = 60.0;
    /// Seconds without hearing from a process before it is declared dead (its host vanished:
    /// no FIN, no RST); its pending and later calls then fail with dc::process_exited. Each
    /// process pings its links from a thread of its own, so a long call is never taken for a
    /// dead worker. 0: never.
    double heartbeat = 10.0;
    /// addprocs returns once this many of the new workers are up (0: all of them); the others
    /// join as their jobs start (workers() grows, the default pool and a running pmap use them;
    /// dc::wait_for_workers waits for more). Each late worker's start-up timeout still counts
    /// from when its job runs; one that fails or times out is left out with a warning.
    int min_workers = 0;
    /// A batch worker whose job ends (its walltime: the end time Slurm gives the job, PBS's
    /// walltime) this many seconds from now takes no new pool work, finishes the calls it has
    /// and leaves; pmap hands its remaining items to the others. 0: use workers until their
    /// jobs end. A worker whose job has less than this left when it joins is used until the end.
    double drain_before = 60.0;
    /// Submit a replacement job (through the same manager) for each worker that leaves before
    /// its walltime.
    bool replace_workers = false;
    /// Seconds a worker may stay idle before dc::adapt releases it (never below its minimum).
    double idle_timeout = 60.0;
    /// Write a timeline of the run to this file at the end (Chrome trace-event JSON, which
    /// Perfetto UI and chrome://tracing open; `dcrun report` makes a page of it): every remote
    /// call where it ran and the caller's wait for it, launch steps, workers joining and
    /// leaving. "" (the default): no timeline, unless the DC_TRACE variable names a file.
    std::string trace;
};

} // namespace dc
