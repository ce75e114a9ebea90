#include "process_helpers.hpp"

#include <boost/process.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace bp = boost::process;

namespace {
std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}
} // namespace

run_result run_command(const std::vector<std::string>& args,
                       const std::map<std::string, std::string>& env, int limit_s) {
    static int counter = 0;
    const auto base =
        std::filesystem::temp_directory_path() /
        ("dcrun_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    const auto out = base.string() + ".out", err = base.string() + ".err";
    bp::environment e = boost::this_process::environment();
    for (const auto& [k, v] : env)
        e[k] = v;
    std::vector<std::string> rest(args.begin() + 1, args.end());
    bp::child c(bp::exe = args[0], bp::args = rest, e, bp::std_out > out, bp::std_err > err,
                bp::std_in < bp::null);
    run_result r;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(limit_s);
    while (c.running() && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (c.running()) {
        c.terminate();
    } else {
        r.code = c.exit_code();
    }
    r.out = slurp(out);
    r.err = slurp(err);
    std::filesystem::remove(out);
    std::filesystem::remove(err);
    return r;
}

std::vector<std::string> lines_with(const std::string& text, const std::string& needle) {
    std::vector<std::string> found;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (line.find(needle) != std::string::npos) found.push_back(line);
    }
    return found;
}

bool process_alive(int pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    if (!stat) return false;
    std::string pid_text, name, state;
    stat >> pid_text >> name >> state;
    return state != "Z";
}

running_cluster start_cluster(const std::vector<std::string>& args,
                              const std::filesystem::path& out, std::size_t workers) {
    namespace bp = boost::process;
    running_cluster c{bp::child(bp::exe = DCRUN_PATH, bp::args = args, bp::std_out > out.string(),
                                bp::std_err > bp::null),
                      0,
                      {}};
    for (int i = 0; i < 600 && c.workers.size() < workers; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        std::ifstream in(out);
        c.workers.clear();
        // Whole lines "master PID" / "worker PID" only: relayed worker output ("From worker 4:
        // ...", e.g. a login shell's complaint on an ssh host) is not a pid.
        for (std::string line; std::getline(in, line);) {
            std::istringstream words(line);
            std::string word, rest;
            int pid = 0;
            if (words >> word >> pid && !(words >> rest) && (word == "master" || word == "worker"))
                (word == "master" ? c.master : c.workers.emplace_back()) = pid;
        }
    }
    return c;
}

bool wait_for_text(const std::filesystem::path& path, const std::string& text, int limit_s) {
    for (int i = 0; i < limit_s * 20; ++i) {
        std::ifstream in(path);
        std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (all.find(text) != std::string::npos) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

bool all_gone(const std::vector<int>& pids) {
    for (int i = 0; i < 200; ++i) { // up to 10 s
        if (std::none_of(pids.begin(), pids.end(), process_alive)) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

bool stop_and_all_gone(running_cluster& c, const std::string& how) {
    if (how == "kill_master") {
        ::kill(c.master, SIGKILL);
    } else if (how == "sigint") { // Ctrl-C twice: the first only interrupts
        ::kill(c.dcrun.id(), SIGINT);
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        ::kill(c.dcrun.id(), SIGINT);
    } else {
        ::kill(c.dcrun.id(), SIGTERM);
    }
    auto everyone = c.workers;
    everyone.push_back(c.master);
    return all_gone(everyone);
}

std::string start_blocker_job(int cpus, int seconds,
                              const std::map<std::string, std::string>& slurm_env) {
    auto r = run_command({"/usr/bin/sbatch", "--parsable", "-n", std::to_string(cpus), "--job-name",
                          "dcrun-blocker", "--output=/dev/null", "--wrap",
                          "sleep " + std::to_string(seconds)},
                         slurm_env);
    if (r.code != 0) return "";
    const std::string id = r.out.substr(0, r.out.find_first_of("\n;"));
    for (int i = 0; i < 100; ++i) {
        const auto state =
            run_command({"/usr/bin/squeue", "-h", "-j", id, "-o", "%T"}, slurm_env).out;
        if (state.find("RUNNING") != std::string::npos) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return id;
}
