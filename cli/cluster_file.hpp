#pragma once
// Cluster files: YAML or TOML, one schema (see configs/). Every mistake is reported as
// "file:line:column: message" with a hint, before anything is started.

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace dc::cli {

struct ssh_host {
    std::string host;
    std::string user;
    int port = 22;
    std::optional<int> count; ///< workers on this host; nullopt with auto_count = its CPU count
    bool auto_count = false;
    std::string dir;
    std::string exename;
};

struct ssh_settings {
    std::vector<ssh_host> hosts;
    std::string identity;                  ///< private key file
    std::string known_hosts;               ///< known-hosts file
    std::string host_key_check = "strict"; ///< strict | accept-new | off
    bool tunnel = false;
};

struct slurm_settings {
    std::string partition, time, account;
    std::optional<int> nodes, ntasks_per_node, cpus_per_task;
    std::vector<std::string> extra; ///< more srun/sbatch flags
};

struct pbs_settings {
    std::string dialect = "torque"; ///< torque | pbspro
    std::string queue, walltime, select, account;
    std::vector<std::string> extra;
};

struct cluster_file {
    std::string path;
    std::string manager = "local"; ///< local | ssh | slurm | pbs
    std::optional<int> workers;
    std::optional<std::string> exename, dir, topology, bind_to;
    std::optional<std::vector<std::string>> exeflags;
    std::map<std::string, std::string> env;
    std::optional<double> timeout;
    ssh_settings ssh;
    slurm_settings slurm;
    pbs_settings pbs;
};

/// Reads a .yaml/.yml or .toml cluster file. Throws dc::config_error whose text starts with
/// "file:line:column:" and ends with a hint.
cluster_file read_cluster_file(const std::string& path);

/// Parses "[user@]host[:port]". Throws std::invalid_argument saying what is wrong.
ssh_host parse_host_spec(const std::string& spec);

} // namespace dc::cli
