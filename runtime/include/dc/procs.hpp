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

/// Stops the given workers and waits for them to exit. Throws std::invalid_argument for id 1.
void rmprocs(const std::vector<int>& ids);

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

} // namespace dc
