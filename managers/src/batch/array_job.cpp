#include "batch/array_job.hpp"

#include "common/poll_until_ended.hpp"

#include "common/shell_quote.hpp"
#include <dc/launcher/output_lines.hpp>
#include <dc/launcher/run_tool.hpp>

#include <dc/errors.hpp>
#include <dc/launcher/random_name.hpp>

#include <sys/stat.h>

#include <atomic>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

namespace dc::managers {
namespace {

namespace fs = std::filesystem;
using launcher::run_tool;

} // namespace

/// The submitted array: follows each worker's files and the job's state.
class array_job : public std::enable_shared_from_this<array_job> {
public:
    struct worker_state {
        int id = 0;
        std::unique_ptr<launcher::file_follower> output; ///< worker-N.out in the run directory
        launcher::line_splitter lines;
        bool started = false;
        std::optional<int> status;
        std::shared_ptr<launcher::output_tail> tail = std::make_shared<launcher::output_tail>();
    };

    array_job(std::string job_id, fs::path run_dir, int first_id, int count,
              std::function<void(int, const std::string&)> sink, array_job_queue queue)
        : job_id_(std::move(job_id)), run_dir_(std::move(run_dir)), sink_(std::move(sink)),
          queue_(std::move(queue)) {
        for (int i = 0; i < count; ++i) {
            auto& w = workers_.emplace_back();
            w.id = first_id + i;
            w.output = std::make_unique<launcher::file_follower>(
                (run_dir_ / ("worker-" + std::to_string(i) + ".out")).string());
        }
        monitor_ = std::thread([this] { follow(); });
    }

    ~array_job() {
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
        if (!all_ended && !cancelled_.exchange(true)) queue_.cancel();
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

    /// Waits (a bounded time) until the job has left the queue: its elements finish their
    /// scripts and complete a moment after their workers ended, and dcrun leaves nothing behind.
    void leave_queue(std::chrono::seconds limit) {
        const auto until = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < until && !queue_.left())
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }

    /// A job that left the queue (cancelled by someone, rejected by the scheduler) ends the
    /// workers that never started.
    void check_queue() {
        const auto why = queue_.left();
        if (!why) return;
        std::lock_guard lock(mutex_);
        for (auto& w : workers_) {
            if (w.status) continue;
            w.tail->add("dcrun: job " + job_id_ + " left the queue " +
                        (w.started ? "while this worker ran" : "before this worker ran") + " (" +
                        *why + ")");
            w.status = 1;
        }
    }

    fs::path run_dir_;
    std::function<void(int, const std::string&)> sink_;
    array_job_queue queue_;
    std::optional<std::chrono::steady_clock::time_point> drain_until_;
    std::atomic<bool> stopping_{false};
    std::atomic<bool> cancelled_{false};
    std::thread monitor_;
};

namespace {

class array_worker final : public launched_worker {
public:
    array_worker(std::shared_ptr<array_job> job, std::size_t index)
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
    std::shared_ptr<array_job> job_;
    std::size_t index_;
};

} // namespace

std::vector<std::unique_ptr<launched_worker>>
follow_array_job(const std::string& job_id, const std::filesystem::path& run_dir, int first_id,
                 int count, std::function<void(int, const std::string&)> sink,
                 array_job_queue queue) {
    auto job = std::make_shared<array_job>(job_id, run_dir, first_id, count, std::move(sink),
                                           std::move(queue));
    std::vector<std::unique_ptr<launched_worker>> out;
    out.reserve(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i)
        out.push_back(std::make_unique<array_worker>(job, static_cast<std::size_t>(i)));
    return out;
}

fs::path make_run_dir(const std::string& dir, const std::string& kind) {
    fs::path run_dir = fs::path(dir) / ".dcrun" / (kind + "-" + launcher::random_hex(16));
    std::error_code ec;
    fs::create_directories(run_dir, ec);
    if (ec || ::chmod(run_dir.c_str(), 0700) != 0) {
        throw launch_error(kind + " manager: cannot create " + run_dir.string() + ": " +
                           ec.message() + "; the workers' directory (--dir) must be writable");
    }
    return run_dir;
}

void write_private_file(const fs::path& path, const std::string& text) {
    const auto old = ::umask(077);
    std::ofstream(path) << text;
    ::umask(old);
}

std::string array_job_script(const std::string& header, const std::string& index_expression,
                             int first_id, const launcher::worker_command& cmd,
                             const std::string& run_dir, const std::string& job_end_lines) {
    std::ostringstream out;
    out << "#!/bin/sh\n"
        << header << job_end_lines << "index=" << index_expression << "\n"
        << "log=" << shell_quote(run_dir) << "/worker-$index\n";
    launcher::worker_command worker = cmd;
    worker.dir.clear();
    const std::string dir = cmd.dir.empty() ? "." : cmd.dir;
    out << "cd " << shell_quote(dir) << " || { echo \"dcrun: cannot cd to " << dir
        << " on $(hostname)\" > \"$log.out\"; echo 1 > \"$log.status\"; exit 1; }\n"
        << "DC_ID=$((" << first_id << " + index)) " << shell_command(worker, false)
        << " > \"$log.out\" 2>&1 < /dev/null\n"
        << "echo $? > \"$log.status\"\n";
    return out.str();
}

} // namespace dc::managers
