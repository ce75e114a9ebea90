#pragma once
// `dcrun [options] ./app [args...]`: start ./app as process 1; it starts its workers with the
// manager and settings that dcrun hands it (a launcher::launch_plan in its environment).

#include "run_options.hpp"

#include <dc/launcher/launch_plan.hpp>

#include <string>
#include <vector>

namespace dc::cli {

/// Runs the program; returns dcrun's exit code (see dc/exit_codes.hpp).
int run_program(const run_options& options);

/// Fills the options not given on the command line from a cluster file. Throws
/// dc::config_error (file:line:column) for a malformed file.
void apply_cluster_file(const std::string& path, run_options& options);

/// Settles which manager starts the workers and with what settings: the cluster file's, then
/// --hosts/--machine-file (ssh) and the manager flags. Throws dc::config_error.
void resolve_manager(run_options& options);

/// What the master is asked to start, from resolved options. Throws dc::config_error.
launcher::launch_plan plan_launch(const run_options& options);

/// The number of workers in "-p N" ("auto": the CPU count). Throws dc::config_error.
int worker_count(const std::string& text);
/// Throws dc::config_error unless `entry` is KEY=VALUE.
void check_env_entry(const std::string& entry);

/// Splits a flag value like `--exeflags "-v --name 'a b'"` into words. Throws
/// dc::config_error for an unbalanced quote.
std::vector<std::string> split_words(const std::string& text);

} // namespace dc::cli
