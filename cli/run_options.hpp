#pragma once
// What `dcrun [options] ./app [args...]` was asked, as plain values: the flags as given, then
// what the cluster file and the host lists fill in (resolve_manager). The flags are declared
// on these structs in command_line.cpp; nothing else here knows CLI11.

#include <dc/managers/registry.hpp>

#include <string>
#include <vector>

namespace dc::cli {

struct run_options {
    std::string config;       ///< cluster file (.yaml/.yml/.toml); flags override its values
    std::string procs;        ///< number of workers or "auto" ("" = not given)
    std::string hosts;        ///< --hosts a,b:4,user@c:2 (SSH workers)
    std::string machine_file; ///< --machine-file FILE (SSH workers, Julia's format)
    std::string manager;      ///< a registry name ("" = from the file or the hosts)
    std::string ssh_identity, ssh_known_hosts, ssh_host_key_check;
    bool ssh_tunnel = false;
    managers::slurm_settings slurm_flags; ///< --partition, --time, ... (override the file's)
    managers::pbs_settings pbs_flags;     ///< --queue, --walltime, ... (override the file's)
    std::string exename;
    std::vector<std::string> exeflags; ///< one worker argument each
    std::string dir;
    std::vector<std::string> env; ///< KEY=VALUE
    double timeout = 0;           ///< 0 = not given (60 s)
    double heartbeat = -1;        ///< -1 = not given (10 s); 0 = never
    int min_workers = 0;          ///< 0 = not given (wait for all)
    double drain_before = -1;     ///< -1 = not given (60 s); 0 = never
    bool replace_workers = false;
    std::string adapt;       ///< "MIN:MAX", "" = not given
    double idle_timeout = 0; ///< 0 = not given (60 s)
    std::string trace;       ///< timeline file, "" = none
    bool quiet = false;      ///< no launch progress line
    std::string log_level;
    std::string bind_to;
    std::string topology;             ///< "" = not given (all_to_all)
    std::vector<std::string> command; ///< program and its arguments
    /// Every manager's settings: the cluster file's, then the flags (see resolve_manager).
    managers::manager_settings settings;
};

} // namespace dc::cli
