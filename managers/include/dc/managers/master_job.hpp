#pragma once
// `dcrun submit`: the master itself runs as a batch job (sbatch or qsub) and starts its
// workers inside that allocation. The job scripts, their submission and the job's state, for
// both schedulers; the cli only decides what runs in the job.

#include <dc/managers/pbs_manager.hpp>
#include <dc/managers/slurm_manager.hpp>

#include <string>

namespace dc::managers {

struct master_job {
    std::string app;     ///< the program's file name: the job is called dcrun-<app>
    int workers = 0;     ///< tasks to ask for (Slurm: --ntasks)
    std::string command; ///< the shell line that runs dcrun with the program, in the job
    std::string cwd;     ///< the job's directory, shared with this host
    std::string tag;     ///< unique to this submission (file names)
};

/// What a submission writes and where the job's results appear.
struct master_job_files {
    std::string script;      ///< the batch script
    std::string output;      ///< the job's output file (Slurm: %j stands for the job id)
    std::string status_file; ///< the program's exit code, written when it ends
};

master_job_files slurm_master_job(const slurm_settings& s, const master_job& job);
master_job_files pbs_master_job(const pbs_settings& s, const master_job& job);

/// Submits the script with sbatch; returns the job id. Throws dc::launch_error with
/// sbatch's answer.
std::string submit_with_sbatch(const master_job_files& files);
/// Submits the script with qsub (written next to the job's files, removed after); returns the
/// job id. Throws dc::launch_error with qsub's answer.
std::string submit_with_qsub(const master_job_files& files, const master_job& job);

/// True while the job is pending or running ("slurm": squeue, "pbs": qstat).
bool batch_job_alive(const std::string& manager, const std::string& id);

} // namespace dc::managers
