#include "slurm/srun_step.hpp"

#include "common/poll_until_ended.hpp"

#include <dc/errors.hpp>
#include <dc/launcher/output_relay.hpp>
#include <dc/launcher/programs.hpp>

#include <dc/launcher/child_process.hpp>
#include <dc/launcher/run_tool.hpp>

#include <csignal>
#include <thread>

namespace dc::managers {
namespace {} // namespace

struct srun_step::process {
    std::unique_ptr<launcher::child_process> child; ///< srun
    std::optional<int> status;                      ///< srun's, once it has ended
};

/// One task of the step, as the master sees it.
class slurm_task final : public launched_worker {
public:
    slurm_task(std::shared_ptr<srun_step> step, int index)
        : step_(std::move(step)), index_(index) {}

    int id() const override { return step_->first_id_ + index_; }
    std::string host() const override {
        std::lock_guard lock(step_->mutex_);
        const auto& node = step_->tasks_[index_].node;
        return node.empty() ? "a node not yet assigned" : node;
    }
    std::string describe() const override {
        std::lock_guard lock(step_->mutex_);
        std::string job = step_->job_id_.empty() ? "no job id yet" : "job " + step_->job_id_;
        return job + ", task " + std::to_string(index_);
    }
    bool running() override { return !exit_status(); }
    std::optional<int> exit_status() override {
        const bool srun_alive = step_->srun_running();
        std::lock_guard lock(step_->mutex_);
        if (auto s = step_->tasks_[index_].status) return s;
        if (srun_alive) return std::nullopt;
        return step_->process_->status.value_or(1);
    }
    bool wait_for(std::chrono::milliseconds limit) override {
        return poll_until_ended(*this, limit, std::chrono::milliseconds(5));
    }
    void kill() override { step_->cancel(); }
    void drain_output(std::chrono::milliseconds limit) override {
        if (!step_->srun_running()) step_->process_->child->drain_output(limit);
    }
    std::vector<std::string> last_output() const override {
        std::lock_guard lock(step_->mutex_);
        auto lines = step_->tasks_[index_].tail.lines();
        const auto srun_lines = step_->srun_tail_.lines();
        lines.insert(lines.end(), srun_lines.begin(), srun_lines.end());
        return lines;
    }
    bool waiting_in_queue() override {
        std::lock_guard lock(step_->mutex_);
        return step_->queued_;
    }

private:
    std::shared_ptr<srun_step> step_;
    int index_;
};

srun_step::srun_step(const std::vector<std::string>& command,
                     const std::map<std::string, std::string>& env, const std::string& secret,
                     int first_id, int count, line_sink sink,
                     std::function<void(const std::string&)> on_step)
    : first_id_(first_id), sink_(std::move(sink)), on_step_(std::move(on_step)),
      tasks_(static_cast<std::size_t>(count)), process_(std::make_unique<process>()),
      relay_(std::make_unique<launcher::output_relay>()) {
    own_allocation_ = std::getenv("SLURM_JOB_ID") == nullptr;
    // Looked up now, not at exit (dc::finalize), when the environment may be gone.
    scancel_ = launcher::find_program("scancel");
    const auto program = launcher::find_program(command[0]);
    if (program.empty()) {
        throw launch_error("slurm manager: '" + command[0] +
                           "' is not on PATH; run dcrun where Slurm's client commands are "
                           "installed (a login node) or set SLURM's bin directory in PATH");
    }
    const launcher::worker_command srun{
        program, std::vector<std::string>(command.begin() + 1, command.end()), "", env};
    launcher::child_options o; // the cookie on stdin, which stays open; srun dies with us
    o.stdin_text = secret + "\n";
    o.keep_stdin_open = true;
    o.dies_with_parent = true;
    try {
        process_->child = std::make_unique<launcher::child_process>(
            srun, *relay_, [this](const std::string& l) { on_line(l); }, o);
    } catch (const launch_error& e) {
        throw launch_error(std::string("slurm manager: ") + e.what());
    }
}

srun_step::~srun_step() {
    // Closing standard input ends the workers that are left; srun then ends by itself.
    process_->child->close_stdin();
    process_->child->wait_for(std::chrono::seconds(5));
    cancel();
    process_->child->drain_output(std::chrono::seconds(2));
    relay_.reset();
}

std::vector<std::unique_ptr<launched_worker>> srun_step::workers() {
    std::vector<std::unique_ptr<launched_worker>> out;
    for (std::size_t i = 0; i < tasks_.size(); ++i)
        out.push_back(std::make_unique<slurm_task>(shared_from_this(), static_cast<int>(i)));
    return out;
}

std::string srun_step::job_id() const {
    std::lock_guard lock(mutex_);
    return job_id_;
}

bool srun_step::srun_running() {
    std::lock_guard lock(mutex_);
    if (process_->status) return false;
    if (process_->child->running()) return true;
    process_->status = process_->child->exit_status();
    queued_ = false;
    return false;
}

void srun_step::cancel() {
    if (srun_running()) {
        process_->child->signal(SIGTERM);
        if (!process_->child->wait_for(std::chrono::seconds(5))) process_->child->kill();
        process_->child->wait();
        srun_running();
    }
    const std::string job = job_id();
    if (own_allocation_ && !job.empty() && !scancel_.empty()) {
        if (on_step_) on_step_("slurm manager: scancel " + job);
        launcher::run_tool(scancel_, {job});
    }
}

void srun_step::on_line(const std::string& line) {
    const auto parsed = parser_.parse(line);
    if (parsed.type != srun_line::kind::task_output) return on_srun_message(parsed);
    const int index = parsed.task < static_cast<int>(tasks_.size()) ? parsed.task : 0;
    {
        std::lock_guard lock(mutex_);
        tasks_[index].tail.add(parsed.text);
    }
    if (sink_) sink_(first_id_ + index, parsed.text);
}

void srun_step::on_srun_message(const srun_line& line) {
    using kind = srun_line::kind;
    std::lock_guard lock(mutex_);
    const auto valid = [&](int t) { return t >= 0 && t < static_cast<int>(tasks_.size()); };
    switch (line.type) {
    case kind::job_allocated:
    case kind::job_queued:
        job_id_ = line.job_id;
        queued_ = line.type == kind::job_queued;
        if (on_step_) {
            on_step_(queued_ ? "slurm manager: job " + job_id_ + " is queued"
                             : "slurm manager: srun: " + line.text);
        }
        break;
    case kind::job_granted:
        queued_ = false;
        break;
    case kind::tasks_placed:
        if (job_id_.empty()) job_id_ = line.job_id;
        for (int t : line.tasks) {
            if (valid(t)) tasks_[t].node = line.node;
        }
        if (on_step_) on_step_("slurm manager: srun: " + line.text);
        break;
    case kind::tasks_ended:
        for (int t : line.tasks) {
            if (valid(t)) tasks_[t].status = line.status;
        }
        break;
    default:
        break;
    }
    if (line.is_error) srun_tail_.add("srun: " + line.text);
    changed_.notify_all();
}

} // namespace dc::managers
