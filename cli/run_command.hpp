#pragma once
// `dcrun [options] ./app [args...]`: start ./app as process 1 with local workers.

#include "cluster_file.hpp"

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace dc::cli {

struct run_options {
    std::string config;       ///< cluster file (.yaml/.yml/.toml); flags override its values
    std::string procs;        ///< number of local workers or "auto" ("" = not given: 0)
    std::string hosts;        ///< --hosts a,b:4,user@c:2 (SSH workers)
    std::string machine_file; ///< --machine-file FILE (SSH workers, Julia's format)
    std::string manager;      ///< local | ssh | slurm | pbs ("" = from the file or the hosts)
    std::string ssh_identity, ssh_known_hosts, ssh_host_key_check;
    bool ssh_tunnel = false;
    slurm_settings slurm_flags; ///< --partition, --time, ... (override the file's)
    pbs_settings pbs_flags;     ///< --queue, --walltime, ... (override the file's)
    std::string exename;
    std::string exeflags; ///< split on whitespace (quotes group words)
    std::string dir;
    std::vector<std::string> env; ///< KEY=VALUE
    double timeout = 0;           ///< 0 = not given (60 s)
    std::string log_level;
    std::string bind_to;
    std::string topology;             ///< "" = not given (all_to_all)
    std::vector<std::string> command; ///< program and its arguments
    // Filled from the cluster file and the flags above (see resolve_manager).
    ssh_settings ssh;
    slurm_settings slurm;
    pbs_settings pbs;
};

/// Declares the run options on `app`.
void setup_run(CLI::App& app, run_options& options);
/// Runs the program; returns dcrun's exit code (see dc/exit_codes.hpp).
int run_program(const run_options& options);

/// Fills the options not given on the command line from a cluster file. Throws
/// dc::config_error (file:line:column) for a malformed file or a manager not available yet.
void apply_cluster_file(const std::string& path, run_options& options);

/// Settles which manager starts the workers and with what settings: the cluster file's, then
/// --hosts/--machine-file (ssh) and the --ssh-* flags. Throws dc::config_error.
void resolve_manager(run_options& options);

/// Splits a flag value like `--exeflags "-v --name 'a b'"` into words.
std::vector<std::string> split_words(const std::string& text);

} // namespace dc::cli
