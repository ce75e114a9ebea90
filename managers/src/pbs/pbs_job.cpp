#include "pbs/pbs_job.hpp"

#include "common/poll_until_ended.hpp"

#include <dc/launcher/output_lines.hpp>
#include <dc/launcher/run_tool.hpp>
#include <dc/managers/pbs_manager.hpp>

#include <atomic>
#include <fstream>
#include <mutex>
#include <optional>
#include <thread>

namespace dc::managers {
namespace {

namespace fs = std::filesystem;
using launcher::run_tool;

} // namespace

/// The submitted array: follows each worker's files and the job's state.
class pbs_job : public std::enable_shared_from_this<pbs_job> {
public:
    struct worker_state {
        int id = 0;
        std::unique_ptr<launcher::file_follower> output; ///< worker-N.out in the run directory
        launcher::line_splitter lines;
        bool started = false;
        std::optional<int> status;
        std::shared_ptr<launcher::output_tail> tail = std::make_shared<launcher::output_tail>();
    };

    pbs_job(std::string job_id, fs::path run_dir, int first_id, int count,
            std::function<void(int, const std::string&)> sink, std::string qstat, std::string qdel)
        : job_id_(std::move(job_id)), run_dir_(std::move(run_dir)), sink_(std::move(sink)),
          qstat_(std::move(qstat)), qdel_(std::move(qdel)) {
        for (int i = 0; i < count; ++i) {
            auto& w = workers_.emplace_back();
            w.id = first_id + i;
            w.output = std::make_unique<launcher::file_follower>(
                (run_dir_ / ("worker-" + std::to_string(i) + ".out")).string());
        }
        monitor_ = std::thread([this] { follow(); });
    }

    ~pbs_job() {
        cancel();
        stopping_ = true;
        if (monitor_.joinable()) monitor_.join();
        leave_queue(std::chrono::seconds(15));
        std::error_code ec;
        fs::remove_all(run_dir_, ec);
    }

    void cancel() {
        bool all_ended = true;
        {
            std::lock_guard lock(mutex_);
            for (const auto& w : workers_)
                all_ended = all_ended && w.status.has_value();
        }
        if (!all_ended && !cancelled_.exchange(true)) run_tool(qdel_, {job_id_});
    }

    /// Gives the follower time to read what the workers wrote last: one wait for the whole
    /// job, not one a worker (a 256-element array waited a minute to shut down).
    void drain(std::chrono::milliseconds limit) {
        std::chrono::steady_clock::time_point until;
        {
            std::lock_guard lock(mutex_);
            if (!drain_until_) {
                drain_until_ = std::chrono::steady_clock::now() +
                               std::min(limit, std::chrono::milliseconds(250));
            }
            until = *drain_until_;
        }
        std::this_thread::sleep_until(until);
    }

    std::mutex mutex_;
    std::vector<worker_state> workers_;
    std::string job_id_;
    std::string gone_why_; ///< set when the job left the queue before a worker started

private:
    void follow() {
        for (int round = 0; !stopping_; ++round) {
            read_files();
            if (round % 20 == 19) check_queue(); // every 2 s
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        read_files();
    }

    void read_files() {
        std::lock_guard lock(mutex_);
        for (std::size_t i = 0; i < workers_.size(); ++i) {
            auto& w = workers_[i];
            if (w.status) continue;
            const auto deliver = [&](const std::string& line) {
                w.tail->add(line);
                if (sink_) sink_(w.id, line);
            };
            const auto chunk = w.output->read_new();
            w.started = w.started || w.output->seen();
            w.lines.feed(chunk.data(), chunk.size(), deliver);
            std::ifstream status(run_dir_ / ("worker-" + std::to_string(i) + ".status"));
            int code = 0;
            if (status >> code) {
                w.lines.finish(deliver);
                w.status = code;
            }
        }
    }

    /// A job that left the queue (qdel by someone, rejected by the scheduler) ends the
    /// workers that never started.
    /// Waits (a bounded time) until the job has left the queue: its elements finish their
    /// scripts and complete a moment after their workers ended, and dcrun leaves nothing behind.
    void leave_queue(std::chrono::seconds limit) {
        const auto until = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < until) {
            const auto r = run_tool(qstat_, {"-f", job_id_});
            if (r.code != 0 || pbs_job_over(pbs_job_state(r.out))) return;
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
    }

    void check_queue() {
        const auto r = run_tool(qstat_, {"-f", job_id_});
        const char state = pbs_job_state(r.out);
        if (r.code == 0 && !pbs_job_over(state)) return;
        std::lock_guard lock(mutex_);
        for (auto& w : workers_) {
            if (w.status) continue;
            w.tail->add("dcrun: job " + job_id_ + " left the queue " +
                        (w.started ? "while this worker ran" : "before this worker ran") +
                        (r.code == 0 ? " (state " + std::string(1, state) + ")" : ": " + r.out));
            w.status = 1;
        }
    }

    fs::path run_dir_;
    std::function<void(int, const std::string&)> sink_;
    std::string qstat_, qdel_;
    std::optional<std::chrono::steady_clock::time_point> drain_until_;
    std::atomic<bool> stopping_{false};
    std::atomic<bool> cancelled_{false};
    std::thread monitor_;
};

namespace {

class pbs_worker final : public launched_worker {
public:
    pbs_worker(std::shared_ptr<pbs_job> job, std::size_t index)
        : job_(std::move(job)), index_(index) {}

    int id() const override { return job_->workers_[index_].id; }
    std::string host() const override { return "a PBS node"; }
    std::string describe() const override {
        return "job " + job_->job_id_ + ", array index " + std::to_string(index_);
    }
    bool running() override { return !exit_status(); }
    std::optional<int> exit_status() override {
        std::lock_guard lock(job_->mutex_);
        return job_->workers_[index_].status;
    }
    bool wait_for(std::chrono::milliseconds limit) override {
        return poll_until_ended(*this, limit, std::chrono::milliseconds(20));
    }
    void kill() override { job_->cancel(); }
    void drain_output(std::chrono::milliseconds limit) override { job_->drain(limit); }
    std::vector<std::string> last_output() const override {
        return job_->workers_[index_].tail->lines();
    }
    bool waiting_in_queue() override {
        std::lock_guard lock(job_->mutex_);
        const auto& w = job_->workers_[index_];
        return !w.started && !w.status;
    }

private:
    std::shared_ptr<pbs_job> job_;
    std::size_t index_;
};

} // namespace

std::vector<std::unique_ptr<launched_worker>>
follow_pbs_job(const std::string& job_id, const std::filesystem::path& run_dir, int first_id,
               int count, std::function<void(int, const std::string&)> sink,
               const std::string& qstat, const std::string& qdel) {
    auto job =
        std::make_shared<pbs_job>(job_id, run_dir, first_id, count, std::move(sink), qstat, qdel);
    std::vector<std::unique_ptr<launched_worker>> out;
    out.reserve(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i)
        out.push_back(std::make_unique<pbs_worker>(job, static_cast<std::size_t>(i)));
    return out;
}

} // namespace dc::managers
