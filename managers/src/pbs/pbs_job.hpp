#pragma once
// A submitted PBS job array as its workers: each element's output file is followed (PBS has no
// streaming output) and its status file read; qstat tells when the job left the queue.

#include <dc/managers/cluster_manager.hpp>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace dc::managers {

/// The workers first_id.. of job `job_id`, whose files are in `run_dir` (removed when the last
/// worker goes; the job is cancelled with `qdel` unless all have ended).
std::vector<std::unique_ptr<launched_worker>>
follow_pbs_job(const std::string& job_id, const std::filesystem::path& run_dir, int first_id,
               int count, std::function<void(int, const std::string&)> sink,
               const std::string& qstat, const std::string& qdel);

} // namespace dc::managers
