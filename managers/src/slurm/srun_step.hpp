#pragma once
// One running `srun -v --label --input=all ...`: its tasks' lines, its own messages (the job id,
// which task runs on which node, how each task ended), and cancelling it.

#include <dc/launcher/output_lines.hpp>
#include <dc/managers/cluster_manager.hpp>

#include "slurm/srun_output.hpp"

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace dc::launcher {
class output_relay;
}

namespace dc::managers {

class srun_step : public std::enable_shared_from_this<srun_step> {
public:
    using line_sink = std::function<void(int id, const std::string& line)>;

    /// Starts `command` with `env` added to ours; writes `secret` to its standard input (which
    /// stays open: the workers end when it closes). Throws dc::launch_error.
    srun_step(const std::vector<std::string>& command,
              const std::map<std::string, std::string>& env, const std::string& secret,
              int first_id, int count, line_sink sink,
              std::function<void(const std::string&)> on_step);
    ~srun_step();
    srun_step(const srun_step&) = delete;
    srun_step& operator=(const srun_step&) = delete;

    /// One launched_worker per task, sharing this step.
    std::vector<std::unique_ptr<launched_worker>> workers();

    std::string job_id() const;
    /// SIGTERM to srun (which cancels the step, and the job if it made it), then scancel.
    void cancel();

private:
    friend class slurm_task;
    struct task {
        std::string node;
        std::optional<int> status;
        launcher::output_tail tail;
    };
    void on_line(const std::string& line);
    void on_srun_message(const srun_line& line);
    bool srun_running();

    int first_id_;
    line_sink sink_;
    std::function<void(const std::string&)> on_step_;
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<task> tasks_;
    launcher::output_tail srun_tail_; ///< srun's own errors, for every task's diagnostics
    std::string job_id_;
    bool queued_ = false;
    bool own_allocation_ = false;
    std::string scancel_; ///< path of scancel
    srun_output_parser parser_;
    struct process;
    std::unique_ptr<process> process_;
    std::unique_ptr<launcher::output_relay> relay_;
};

} // namespace dc::managers
