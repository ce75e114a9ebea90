#include "run_command.hpp"

#include "cluster_file.hpp"
#include "host_list.hpp"
#include <dc/exit_codes.hpp>

#include <dc/errors.hpp>

#include <dc/launcher/child_process.hpp>
#include <dc/launcher/launch_plan.hpp>
#include <dc/launcher/programs.hpp>

#include <unistd.h>

#include <csignal>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <thread>

namespace dc::cli {
namespace {

volatile std::sig_atomic_t master_pid = 0;

// A signal from the terminal (Ctrl-C) reaches the whole foreground process group, the master
// included: forwarding it would make one Ctrl-C two (and the master ends the run on the
// second). Only signals sent to dcrun itself (kill, a scheduler) are passed on.
void forward_signal(int sig, siginfo_t* info, void*) {
    const bool from_terminal = info && info->si_code == SI_KERNEL;
    if (master_pid > 0 && !from_terminal) ::kill(master_pid, sig);
}

std::string signal_name(int sig) {
    const char* text = ::sigdescr_np(sig);
    return text ? text : "signal " + std::to_string(sig);
}

} // namespace

std::vector<std::string> split_words(const std::string& text) {
    std::vector<std::string> words;
    std::string word;
    bool in_word = false;
    char quote = 0;
    for (char c : text) {
        if (quote) {
            if (c == quote) {
                quote = 0;
            } else {
                word += c;
            }
        } else if (c == '\'' || c == '"') {
            quote = c;
            in_word = true;
        } else if (std::isspace(static_cast<unsigned char>(c))) {
            if (in_word) words.push_back(std::move(word));
            word.clear();
            in_word = false;
        } else {
            word += c;
            in_word = true;
        }
    }
    if (quote) throw config_error("unbalanced quote in '" + text + "'");
    if (in_word) words.push_back(std::move(word));
    return words;
}

int worker_count(const std::string& text) {
    if (text == "auto") return static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
    std::size_t used = 0;
    int n = -1;
    try {
        n = std::stoi(text, &used);
    } catch (const std::exception&) {
    }
    if (used != text.size() || n < 0) {
        throw config_error("-p " + text + ": expected a number of workers (>= 0) or 'auto'");
    }
    return n;
}

void check_env_entry(const std::string& entry) {
    if (entry.find('=') == std::string::npos || entry.front() == '=') {
        throw config_error("--env " + entry + ": expected KEY=VALUE");
    }
}

void apply_cluster_file(const std::string& path, run_options& o) {
    const cluster_file f = read_cluster_file(path);
    if (o.manager.empty()) o.manager = f.manager;
    o.settings = f.settings;
    if (o.procs.empty() && f.workers) o.procs = std::to_string(*f.workers);
    if (o.exename.empty() && f.exename) o.exename = *f.exename;
    if (o.exeflags.empty() && f.exeflags) o.exeflags = *f.exeflags;
    if (o.dir.empty() && f.dir) o.dir = *f.dir;
    if (o.timeout == 0 && f.timeout) o.timeout = *f.timeout;
    if (o.heartbeat < 0 && f.heartbeat) o.heartbeat = *f.heartbeat;
    if (o.min_workers == 0 && f.min_workers) o.min_workers = *f.min_workers;
    if (o.drain_before < 0 && f.drain_before) o.drain_before = *f.drain_before;
    if (!o.replace_workers && f.replace_workers) o.replace_workers = *f.replace_workers;
    if (o.adapt.empty() && f.adapt) o.adapt = *f.adapt;
    if (o.idle_timeout == 0 && f.idle_timeout) o.idle_timeout = *f.idle_timeout;
    if (o.trace.empty() && f.trace) o.trace = *f.trace;
    if (o.topology.empty() && f.topology) o.topology = *f.topology;
    if (o.bind_to.empty() && f.bind_to) o.bind_to = *f.bind_to;
    std::vector<std::string> env;
    for (const auto& [k, v] : f.env) {
        env.push_back(k);
        env.back().append("=").append(v);
    }
    env.insert(env.end(), o.env.begin(), o.env.end()); // later entries win: flags override
    o.env = std::move(env);
}

namespace {

/// The --ssh-*, --partition ... and --queue ... flags over the cluster file's sections.
void apply_manager_flags(run_options& o) {
    auto& ssh = o.settings.ssh;
    if (!o.ssh_identity.empty()) ssh.identity = o.ssh_identity;
    if (!o.ssh_known_hosts.empty()) ssh.known_hosts = o.ssh_known_hosts;
    if (!o.ssh_host_key_check.empty()) ssh.host_key_check = o.ssh_host_key_check;
    if (o.ssh_tunnel) ssh.tunnel = true;
    auto& slurm = o.settings.slurm;
    const auto& f = o.slurm_flags;
    if (!f.partition.empty()) slurm.partition = f.partition;
    if (!f.time.empty()) slurm.time = f.time;
    if (!f.account.empty()) slurm.account = f.account;
    if (f.nodes) slurm.nodes = f.nodes;
    if (f.ntasks_per_node) slurm.ntasks_per_node = f.ntasks_per_node;
    if (f.cpus_per_task) slurm.cpus_per_task = f.cpus_per_task;
    if (!f.mode.empty()) slurm.mode = f.mode;
    slurm.extra.insert(slurm.extra.end(), f.extra.begin(), f.extra.end());
    auto& pbs = o.settings.pbs;
    const auto& p = o.pbs_flags;
    if (!p.dialect.empty()) pbs.dialect = p.dialect;
    if (!p.queue.empty()) pbs.queue = p.queue;
    if (!p.walltime.empty()) pbs.walltime = p.walltime;
    if (!p.select.empty()) pbs.select = p.select;
    if (!f.account.empty()) pbs.account = f.account; // --account serves both
    pbs.extra.insert(pbs.extra.end(), p.extra.begin(), p.extra.end());
}

} // namespace

void resolve_manager(run_options& o) {
    if (!o.hosts.empty() || !o.machine_file.empty()) {
        o.settings.ssh.hosts =
            o.hosts.empty() ? read_machine_file(o.machine_file) : parse_hosts_flag(o.hosts);
        if (o.manager.empty() || o.manager == "local") o.manager = "ssh";
    }
    if (o.manager.empty()) o.manager = "local";
    const auto& entry = managers::find_manager(o.manager);
    apply_manager_flags(o);
    if (!o.adapt.empty() && o.procs.empty()) { // adapt starts at its minimum (at least one)
        o.procs = std::to_string(std::max(1, launcher::parse_adapt_range(o.adapt).value().first));
    }
    if (entry.batch && o.procs.empty() &&
        (entry.name != "slurm" || !managers::inside_slurm_allocation())) {
        throw config_error("the " + o.manager + " manager needs a number of workers" +
                           (entry.name == "slurm" ? " outside an allocation: give -n N (inside "
                                                    "sbatch/salloc it uses SLURM_NTASKS)"
                                                  : ": give -n N"));
    }
    if (o.manager == "ssh" && o.settings.ssh.hosts.empty()) {
        throw config_error("the ssh manager needs hosts: give --hosts, --machine-file or "
                           "ssh.hosts in the cluster file");
    }
}

launcher::launch_plan plan_launch(const run_options& o) {
    launcher::launch_plan plan;
    plan.procs = worker_count(o.procs.empty() ? "0" : o.procs);
    plan.manager = o.manager;
    plan.manager_settings = managers::find_manager(o.manager).encode(o.settings);
    plan.exename = o.exename;
    plan.exeflags = o.exeflags;
    if (!o.dir.empty()) plan.dir = std::filesystem::absolute(o.dir).string();
    for (const auto& kv : o.env)
        check_env_entry(kv);
    plan.env = o.env;
    if (o.timeout < 0) throw config_error("--timeout must be a positive number of seconds");
    if (o.timeout > 0) plan.timeout = o.timeout;
    if (o.heartbeat >= 0) plan.heartbeat = o.heartbeat;
    plan.min_workers = o.min_workers;
    if (o.drain_before >= 0) plan.drain_before = o.drain_before;
    plan.replace_workers = o.replace_workers;
    plan.adapt = o.adapt;
    plan.quiet = o.quiet;
    if (!o.trace.empty()) plan.trace = std::filesystem::absolute(o.trace).string();
    if (o.idle_timeout > 0) plan.idle_timeout = o.idle_timeout;
    plan.topology = o.topology;
    plan.log_level = o.log_level;
    plan.bind_to = o.bind_to;
    return plan;
}

namespace {

/// The program as process 1, with dcrun's signals passed on; returns dcrun's exit code.
int run_master(const std::string& program, const std::vector<std::string>& command,
               const launcher::launch_plan& plan) {
    launcher::worker_command master_command;
    master_command.exe = program;
    master_command.args.assign(command.begin() + 1, command.end());
    for (const auto& [name, value] : launcher::encode_launch_plan(plan))
        master_command.env[name] = value;
    launcher::child_options tied; // the master gets SIGTERM if dcrun dies
    tied.dies_with_parent = true;
    std::unique_ptr<launcher::child_process> master;
    try {
        master = std::make_unique<launcher::child_process>(master_command, tied);
    } catch (const launch_error& e) {
        std::cerr << "dcrun: " << e.what() << "\n";
        return exit_not_found;
    }
    master_pid = master->pid();
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
        struct sigaction action {};
        action.sa_sigaction = forward_signal;
        action.sa_flags = SA_SIGINFO | SA_RESTART;
        ::sigemptyset(&action.sa_mask);
        ::sigaction(sig, &action, nullptr);
    }
    const int code = master->wait(); // 128 + N for signal N (dc::exit_signal_base)
    if (const int sig = master->end_signal()) {
        std::cerr << "dcrun: " << command[0] << " was killed by " << signal_name(sig) << "\n";
    }
    return code;
}

} // namespace

int run_program(const run_options& o) {
    if (o.command.empty()) {
        std::cerr << "dcrun: no program given; usage: dcrun [options] ./app [args...]\n";
        return exit_config_error;
    }
    if (o.command[0].size() > 1 && o.command[0][0] == '-') {
        std::cerr << "dcrun: unknown option " << o.command[0] << "; see dcrun --help\n";
        return exit_config_error;
    }
    launcher::launch_plan plan;
    try {
        run_options effective = o;
        if (!o.config.empty()) apply_cluster_file(o.config, effective);
        resolve_manager(effective);
        plan = plan_launch(effective);
    } catch (const config_error& e) {
        std::cerr << "dcrun: " << e.what() << "\n";
        return exit_config_error;
    }
    const std::string program = launcher::find_program(o.command[0]);
    if (program.empty()) {
        std::cerr << "dcrun: cannot run '" << o.command[0]
                  << "': no such executable file (check the path, or build it first)\n";
        return exit_not_found;
    }
    return run_master(program, o.command, plan);
}

} // namespace dc::cli
