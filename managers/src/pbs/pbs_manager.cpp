#include <dc/managers/pbs_manager.hpp>

#include "common/json_settings.hpp"
#include "common/poll_until_ended.hpp"
#include "common/shell_quote.hpp"

#include <dc/errors.hpp>
#include <dc/launcher/bootstrap.hpp>
#include <dc/launcher/output_lines.hpp>
#include <dc/launcher/random_name.hpp>
#include <dc/launcher/route.hpp>
#include <dc/launcher/run_tool.hpp>

#include <boost/process/search_path.hpp>

#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace dc::managers {

template <class Archive> void serialize(Archive& a, pbs_settings& s) {
    a(cereal::make_nvp("dialect", s.dialect), cereal::make_nvp("queue", s.queue),
      cereal::make_nvp("walltime", s.walltime), cereal::make_nvp("select", s.select),
      cereal::make_nvp("account", s.account), cereal::make_nvp("extra", s.extra),
      cereal::make_nvp("qsub", s.qsub), cereal::make_nvp("qstat", s.qstat),
      cereal::make_nvp("qdel", s.qdel));
}

namespace {

namespace bp = boost::process;
namespace fs = std::filesystem;
namespace env = launcher::env;

using launcher::run_tool;

std::string find_tool(const std::string& name) {
    if (name.find('/') != std::string::npos) return name;
    return bp::search_path(name).string();
}

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
    void drain_output(std::chrono::milliseconds limit) override {
        std::this_thread::sleep_for(std::min(limit, std::chrono::milliseconds(250)));
    }
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

std::string encode_pbs_settings(const pbs_settings& s) {
    return settings_to_json("pbs", s);
}

pbs_settings decode_pbs_settings(const std::string& text) {
    return settings_from_json<pbs_settings>("pbs", text);
}

std::vector<std::pair<std::string, std::string>> pbs_resources(const pbs_settings& s) {
    const bool pbspro = s.dialect == "pbspro";
    std::vector<std::pair<std::string, std::string>> r;
    if (!s.queue.empty()) r.emplace_back("-q", s.queue);
    if (!s.walltime.empty()) r.emplace_back("-l", "walltime=" + s.walltime);
    if (!s.select.empty()) r.emplace_back("-l", (pbspro ? "select=" : "nodes=") + s.select);
    if (!s.account.empty()) r.emplace_back("-A", s.account);
    return r;
}

char pbs_job_state(const std::string& qstat_output) {
    const std::string key = "job_state = ";
    const auto at = qstat_output.find(key);
    if (at == std::string::npos || at + key.size() >= qstat_output.size()) return '?';
    return qstat_output[at + key.size()];
}

bool pbs_job_over(char state) {
    return state == 'C' || state == 'E' || state == 'F' || state == '?';
}

pbs_manager::pbs_manager(pbs_settings settings) : settings_(std::move(settings)) {}
pbs_manager::~pbs_manager() = default;

std::string pbs_manager::master_bind_hint() {
    return launcher::default_route_address();
}

std::string pbs_manager::job_script(int first_id, int count, const launcher::worker_command& cmd,
                                    const std::string& run_dir) const {
    const auto& s = settings_;
    const bool pbspro = s.dialect == "pbspro";
    const std::string range = "0-" + std::to_string(count - 1);
    std::ostringstream out;
    out << "#!/bin/sh\n"
        << "# dcrun: " << count << " worker(s), ids " << first_id << ".." << first_id + count - 1
        << ", as a " << (pbspro ? "PBS Pro" : "Torque")
        << " job array. Written by dcrun; removed at the end of the run.\n"
        << "#PBS -N dcrun-workers\n"
        << "#PBS " << (pbspro ? "-J " : "-t ") << range << "\n";
    for (const auto& [flag, value] : pbs_resources(s))
        out << "#PBS " << flag << " " << value << "\n";
    out << "#PBS -j oe\n#PBS -o /dev/null\n#PBS -V\n";
    out << "index=${" << (pbspro ? "PBS_ARRAY_INDEX" : "PBS_ARRAYID")
        << ":-${SLURM_ARRAY_TASK_ID:-0}}\n"
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

std::vector<std::string> pbs_manager::qsub_command(int count,
                                                   const std::string& script_path) const {
    const auto& s = settings_;
    const bool pbspro = s.dialect == "pbspro";
    std::vector<std::string> c{s.qsub, "-N", "dcrun-workers", pbspro ? "-J" : "-t",
                               "0-" + std::to_string(count - 1)};
    for (const auto& [flag, value] : pbs_resources(s))
        c.insert(c.end(), {flag, value});
    c.insert(c.end(), {"-j", "oe", "-o", "/dev/null", "-V"});
    c.insert(c.end(), s.extra.begin(), s.extra.end());
    c.push_back(script_path);
    return c;
}

std::vector<std::unique_ptr<launched_worker>> pbs_manager::launch(const launch_request& request) {
    const std::string qsub = find_tool(settings_.qsub);
    const std::string qstat = find_tool(settings_.qstat);
    const std::string qdel = find_tool(settings_.qdel);
    if (qsub.empty() || qstat.empty() || qdel.empty()) {
        throw launch_error("pbs manager: qsub, qstat or qdel is not on PATH; run dcrun where "
                           "the PBS client commands are installed (a login node)");
    }
    auto cmd = request.command;
    if (cmd.dir.empty()) cmd.dir = fs::current_path().string();
    // Shared with the nodes: the workers' directory. 0700, and the cookie file 0600.
    const fs::path run_dir = fs::path(cmd.dir) / ".dcrun" / ("pbs-" + launcher::random_hex(16));
    std::error_code ec;
    fs::create_directories(run_dir, ec);
    if (ec || ::chmod(run_dir.c_str(), 0700) != 0) {
        throw launch_error("pbs manager: cannot create " + run_dir.string() + ": " + ec.message() +
                           "; the workers' directory (--dir) must be writable");
    }
    const auto cookie_file = run_dir / "cookie";
    {
        const auto old = ::umask(077);
        std::ofstream(cookie_file) << cmd.env.at(env::cookie) << "\n";
        ::umask(old);
    }
    cmd.env.erase(env::cookie);
    cmd.env.erase(env::worker_id); // the script sets DC_ID from the array index
    cmd.env[env::cookie_file] = cookie_file.string();
    cmd.env[env::bind_to] = "auto";
    const auto script_path = run_dir / "workers.sh";
    std::ofstream(script_path) << job_script(request.first_id, request.count, cmd,
                                             run_dir.string());
    auto command = qsub_command(request.count, script_path.string());
    command[0] = qsub;
    std::string text;
    for (const auto& word : command)
        text += (text.empty() ? "" : " ") + word;
    log_step("pbs manager: " + text);
    const auto submitted =
        run_tool(qsub, std::vector<std::string>(command.begin() + 1, command.end()));
    if (submitted.code != 0) {
        fs::remove_all(run_dir, ec);
        throw launch_error("pbs manager: qsub refused the workers' job (exit code " +
                           std::to_string(submitted.code) + "): " + submitted.out);
    }
    std::string job_id = submitted.out.substr(0, submitted.out.find_first_of("\r\n"));
    log_step("pbs manager: submitted job " + job_id);
    auto job = std::make_shared<pbs_job>(job_id, run_dir, request.first_id, request.count,
                                         request.on_output, qstat, qdel);
    std::vector<std::unique_ptr<launched_worker>> out;
    out.reserve(static_cast<std::size_t>(request.count));
    for (int i = 0; i < request.count; ++i)
        out.push_back(std::make_unique<pbs_worker>(job, static_cast<std::size_t>(i)));
    return out;
}

} // namespace dc::managers
