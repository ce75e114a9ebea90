#pragma once
// What srun prints when run as the slurm manager runs it (--verbose --label), line by line:
// the tasks' own output ("2: text"), and srun's messages ("srun: ...") that say the job id,
// whether it waits in the queue, which node runs which tasks, and how each task ended.

#include <memory>
#include <string>
#include <vector>

namespace dc::managers {

struct srun_line {
    enum class kind {
        task_output,   ///< task `task` printed `text`
        job_allocated, ///< srun got job `job_id` at once
        job_queued,    ///< job `job_id` waits for resources
        job_granted,   ///< the queued job got its resources
        tasks_placed,  ///< `tasks` of step of job `job_id` run on `node`
        tasks_ended,   ///< `tasks` ended with `status` (exit code, or 128 + signal)
        message,       ///< anything else srun said
    };
    kind type = kind::message;
    int task = 0;
    std::string text; ///< the task's line, or srun's message without "srun: "
    std::string job_id;
    std::string node;
    std::vector<int> tasks;
    int status = 0;
    bool is_error = false; ///< srun's "error: ..." messages (kept for launch errors)
};

/// Reads srun's lines. Its patterns are made up front: lines still arrive while dc::finalize
/// runs at exit, when no regex can be built any more.
class srun_output_parser {
public:
    srun_output_parser();
    ~srun_output_parser();
    srun_line parse(const std::string& line) const;

private:
    struct patterns;
    std::unique_ptr<patterns> patterns_;
};

} // namespace dc::managers
