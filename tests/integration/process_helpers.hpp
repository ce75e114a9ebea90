#pragma once
// Running a command and collecting its exit code and output, for tests.

#include <boost/process/child.hpp>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

struct run_result {
    int code = -1;
    std::string out;
    std::string err;
};

/// Runs `args` (args[0] is the program) with extra environment variables; waits at most
/// `limit_s` seconds (then kills it and returns code -1).
run_result run_command(const std::vector<std::string>& args,
                       const std::map<std::string, std::string>& env = {}, int limit_s = 120);

/// Lines of `text` that contain `needle`.
std::vector<std::string> lines_with(const std::string& text, const std::string& needle);
/// True if a process with this pid exists (and is not a zombie).
bool process_alive(int pid);

/// dcrun running `test_app pids`: the master and worker pids it printed.
struct running_cluster {
    boost::process::child dcrun;
    int master = 0;
    std::vector<int> workers;
};

/// Starts DCRUN_PATH with `args` (ending in `test_app pids`), its output going to `out`, and
/// waits (up to 30 s) until it has printed the pids of `workers` workers.
running_cluster start_cluster(const std::vector<std::string>& args,
                              const std::filesystem::path& out, std::size_t workers);
/// Waits (up to `limit_s` seconds) until the file `path` contains `text`.
bool wait_for_text(const std::filesystem::path& path, const std::string& text, int limit_s = 30);
/// True once none of `pids` is alive (waits up to 10 s).
bool all_gone(const std::vector<int>& pids);
/// Stops the run `how`: "kill_master" (SIGKILL, nothing can clean up), "sigint" (twice, as
/// Ctrl-C twice) or "sigterm" (sent to dcrun). True once the master and every worker are gone
/// (waits up to 10 s).
bool stop_and_all_gone(running_cluster& c, const std::string& how);

/// Submits a job named dcrun-blocker to the test Slurm (environment `slurm_env`) that holds
/// `cpus` CPUs for `seconds`, and waits (up to 10 s) until it runs. Returns its id, or "" when
/// sbatch refused it.
std::string start_blocker_job(int cpus, int seconds,
                              const std::map<std::string, std::string>& slurm_env);
