#pragma once
// `dcrun submit [options] ./app [args...]` on a login node: writes a batch script that runs
// the master inside the allocation (its workers then start there: one srun step for slurm, a
// job array for pbs), submits it, prints the job id. --print-script shows the script only;
// --wait follows the job's output to its end and exits with the program's exit code.

#include "run_command.hpp"

#include <dc/managers/master_job.hpp>

#include <string>
#include <vector>

namespace dc::cli {

struct submit_options {
    run_options run;                ///< the run's flags; run.command is the program
    bool print_script = false;      ///< show the batch script; submit nothing
    bool wait = false;              ///< follow the job to its end; exit with its code
    std::vector<std::string> given; ///< the arguments after "submit", as typed
};

struct submit_plan {
    std::string manager; ///< slurm | pbs
    managers::master_job job;
    managers::master_job_files files;
};

/// The batch script for `o` (manager, workers and settings resolved). `forwarded` are the
/// options the dcrun inside the job gets.
submit_plan plan_submission(const run_options& o, const std::vector<std::string>& forwarded,
                            const std::string& dcrun_path, const std::string& cwd,
                            const std::string& tag);

/// The options the dcrun inside the job gets: those given to submit, minus submit's own and
/// the program with its arguments.
std::vector<std::string> forwarded_options(const submit_options& o);

/// Runs `dcrun submit`; returns dcrun's exit code.
int run_submit(const submit_options& o);

} // namespace dc::cli
