#pragma once
// The environment variables through which dcrun talks to the master and the master to its
// workers. Secrets (the cookie) travel only here or in files, never on a command line.

#include <optional>
#include <string>
#include <vector>

namespace dc::launcher::env {

// Master -> worker.
inline constexpr const char* role = "DC_ROLE";     ///< "worker" in worker processes
inline constexpr const char* master = "DC_MASTER"; ///< addresses of the master, ';'-separated
inline constexpr const char* cookie = "DC_COOKIE"; ///< cluster secret
inline constexpr const char* worker_id = "DC_ID";  ///< id the master gave the worker
/// Batch managers start many workers with one environment: the id is DC_ID_BASE plus the
/// value of the variable named by DC_ID_OFFSET_FROM (e.g. SLURM_PROCID).
inline constexpr const char* id_base = "DC_ID_BASE";
inline constexpr const char* id_offset_from = "DC_ID_OFFSET_FROM";
inline constexpr const char* topology = "DC_TOPOLOGY"; ///< "all_to_all" or "master_worker"
/// "1": the cookie is the first line of standard input (remote workers), and the worker ends
/// when its standard input closes (its SSH channel or batch step went away).
inline constexpr const char* cookie_on_stdin = "DC_COOKIE_ON_STDIN";
/// A 0600 file whose first line is the cookie (batch jobs that start long after submission).
inline constexpr const char* cookie_file = "DC_COOKIE_FILE";
/// When the worker's batch job ends (its walltime), in seconds since the epoch; written by the
/// job script of the batch managers (Slurm arrays, PBS), unset when the job has no limit.
inline constexpr const char* job_end = "DC_JOB_END";
// dcrun -> master (and inherited by workers where it makes sense).
inline constexpr const char* procs = "DC_LAUNCH_PROCS"; ///< number of local workers to start
inline constexpr const char* exename = "DC_LAUNCH_EXENAME";
inline constexpr const char* exeflags = "DC_LAUNCH_EXEFLAGS"; ///< list, see join_list
inline constexpr const char* dir = "DC_LAUNCH_DIR";
inline constexpr const char* extra_env = "DC_LAUNCH_ENV"; ///< list of K=V
inline constexpr const char* timeout = "DC_LAUNCH_TIMEOUT";
/// Seconds without hearing from a process before it counts as dead (dcrun -> master -> workers).
inline constexpr const char* heartbeat = "DC_HEARTBEAT";
/// addprocs returns once this many workers are up; the others join as they start.
inline constexpr const char* min_workers = "DC_LAUNCH_MIN_WORKERS";
inline constexpr const char* drain_before = "DC_LAUNCH_DRAIN_BEFORE";       ///< seconds
inline constexpr const char* replace_workers = "DC_LAUNCH_REPLACE_WORKERS"; ///< "1" when set
inline constexpr const char* adapt = "DC_LAUNCH_ADAPT";                     ///< "MIN:MAX"
inline constexpr const char* idle_timeout = "DC_LAUNCH_IDLE_TIMEOUT";       ///< seconds
inline constexpr const char* quiet = "DC_LAUNCH_QUIET"; ///< "1": no launch progress line
/// The timeline file (--trace); also read by programs started without dcrun.
inline constexpr const char* trace = "DC_TRACE";
inline constexpr const char* manager = "DC_LAUNCH_MANAGER"; ///< local (default), ssh, slurm, pbs
inline constexpr const char* manager_settings = "DC_LAUNCH_MANAGER_SETTINGS"; ///< its settings
inline constexpr const char* log_level = "DC_LOG_LEVEL";
inline constexpr const char* bind_to = "DC_BIND_TO";
inline constexpr const char* spin_us = "DC_SPIN_US";     ///< how long a waiting thread polls
inline constexpr const char* transport = "DC_TRANSPORT"; ///< "tcp": no Unix sockets on one host

/// Joins items with the ASCII unit separator (which never occurs in arguments or K=V pairs).
std::string join_list(const std::vector<std::string>& items);
std::vector<std::string> split_list(const std::string& joined);

/// The variable's value, if set.
std::optional<std::string> get(const char* name);

} // namespace dc::launcher::env
