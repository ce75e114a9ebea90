#pragma once
// Cluster files: YAML or TOML, one schema (see configs/). Every mistake is reported as
// "file:line:column: message" with a hint, before anything is started.

#include <dc/managers/registry.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace dc::cli {

using managers::ssh_host;

struct cluster_file {
    std::string path;
    std::string manager = "local"; ///< a name of managers/registry.hpp
    std::optional<int> workers;
    std::optional<std::string> exename, dir, topology, bind_to;
    std::optional<std::vector<std::string>> exeflags;
    std::map<std::string, std::string> env;
    std::optional<double> timeout;
    std::optional<double> heartbeat;     ///< seconds of silence before a process counts as dead
    std::optional<int> min_workers;      ///< workers to wait for; the others join as they start
    std::optional<double> drain_before;  ///< seconds before its walltime a worker leaves
    std::optional<bool> replace_workers; ///< a new job for each worker that leaves so
    std::optional<std::string> adapt;    ///< "MIN:MAX"
    std::optional<double> idle_timeout;  ///< seconds before adapt releases an idle worker
    std::optional<std::string> trace;    ///< timeline file
    managers::manager_settings settings; ///< the managers' sections
};

/// Reads a .yaml/.yml or .toml cluster file. Throws dc::config_error whose text starts with
/// "file:line:column:" and ends with a hint.
cluster_file read_cluster_file(const std::string& path);

using managers::parse_host_spec;

} // namespace dc::cli
