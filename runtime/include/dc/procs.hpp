#pragma once
// Adding, removing and naming processes (Julia's addprocs, rmprocs, procs, workers, myid).

#include <dc/options.hpp>

#include <vector>

namespace dc::managers {
class cluster_manager;
}

namespace dc {

/// Starts n local worker processes and returns their ids (never reused).
/// Throws dc::launch_error naming the worker and its last output if one fails to connect.
std::vector<int> addprocs(int n, const options& o = {});

/// Starts workers with a cluster manager (dc::managers::ssh_manager, slurm_manager, ...):
/// as many as it plans (its hosts' counts, its allocation's tasks), or n.
std::vector<int> addprocs(managers::cluster_manager& manager, const options& o = {});
std::vector<int> addprocs(managers::cluster_manager& manager, int n, const options& o = {});

/// Stops the given workers: each finishes what it has received and exits; one still running
/// after 5 s is killed. Returns when all are gone. Throws std::invalid_argument for id 1 and
/// dc::error when called on a worker (only the master adds and removes workers).
void rmprocs(const std::vector<int>& ids);
/// As above, waiting up to `waitfor_seconds` (0: kill at once) before killing the workers
/// still running (Julia's rmprocs(pids; waitfor)). Throws std::invalid_argument if negative.
void rmprocs(const std::vector<int>& ids, double waitfor_seconds);

/// Ids of all processes, master (1) first.
std::vector<int> procs();
/// Ids of the workers; {1} when there are none (as in Julia).
std::vector<int> workers();
/// Number of processes including the master.
int nprocs();
/// Number of workers; 1 when the master is alone (it then does the work, as in Julia).
int nworkers();
/// Id of this process: 1 on the master, 2, 3, ... on workers.
int myid();
/// Waits until the cluster has at least `n` workers (late workers join as their jobs start:
/// options::min_workers) or `timeout_seconds` have passed; returns whether it has them.
/// Throws std::invalid_argument for a negative timeout.
bool wait_for_workers(int n, double timeout_seconds);
/// Keeps the number of workers between `min` and `max` (dask's adapt): while pool work waits
/// for a worker (a pmap's batches, a worker_pool::take), more workers are started, up to
/// `max`; a worker idle for options::idle_timeout is released, never going below `min`. New
/// workers come from the manager and options of the latest addprocs (that manager must stay
/// alive; under dcrun it is dcrun's): with a Slurm array or PBS, one small job each. Every
/// decision is logged at info level with its reason. adapt(0, 0) stops adapting. Throws
/// std::invalid_argument unless 0 <= min <= max, dc::error on a worker.
void adapt(int min, int max);

} // namespace dc
