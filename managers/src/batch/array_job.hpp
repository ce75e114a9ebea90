#pragma once
// A submitted job array as its workers (PBS arrays, Slurm arrays): each element's output file is
// followed (batch jobs have no streaming output) and its status file read; the scheduler's
// queue tells when the job left it.

#include <dc/managers/cluster_manager.hpp>

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace dc::managers {

/// What the follower asks of the scheduler.
struct array_job_queue {
    /// Why the job has left the queue ("state C", "qstat: Unknown Job Id"), or nothing while it
    /// is still queued or running.
    std::function<std::optional<std::string>()> left;
    /// Cancels the job (qdel, scancel).
    std::function<void()> cancel;
};

/// The workers first_id.. of job `job_id`, whose files are in `run_dir` (removed when the last
/// worker goes; the job is cancelled unless all have ended).
std::vector<std::unique_ptr<launched_worker>>
follow_array_job(const std::string& job_id, const std::filesystem::path& run_dir, int first_id,
                 int count, std::function<void(int, const std::string&)> sink,
                 array_job_queue queue);

/// A fresh 0700 directory DIR/.dcrun/KIND-RANDOM for a job's files (the workers' directory is
/// shared with the nodes). Throws dc::launch_error saying so when it cannot be made.
std::filesystem::path make_run_dir(const std::string& dir, const std::string& kind);
/// Writes `text` to a new file only its owner may read (a cookie).
void write_private_file(const std::filesystem::path& path, const std::string& text);

/// The shell script of one element of an array: index from `index_expression` (e.g.
/// "${SLURM_ARRAY_TASK_ID}"), DC_ID = first_id + index, the worker's output and exit status
/// into run_dir/worker-INDEX.out and .status. `header` goes after the first line;
/// `job_end_lines` (shell) export DC_JOB_END, the job's end in seconds since the epoch, when
/// it is known (the worker then leaves before its walltime: options::drain_before).
std::string array_job_script(const std::string& header, const std::string& index_expression,
                             int first_id, const launcher::worker_command& cmd,
                             const std::string& run_dir, const std::string& job_end_lines);

} // namespace dc::managers
