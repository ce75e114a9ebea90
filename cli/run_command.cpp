#include "run_command.hpp"

#include "cluster_file.hpp"
#include "host_list.hpp"
#include <dc/exit_codes.hpp>

#include <dc/errors.hpp>

#include <dc/launcher/bootstrap.hpp>

#include <boost/process/args.hpp>
#include <boost/process/child.hpp>
#include <boost/process/env.hpp>
#include <boost/process/environment.hpp>
#include <boost/process/exe.hpp>
#include <boost/process/extend.hpp>
#include <boost/process/search_path.hpp>

#include <sys/prctl.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <thread>

namespace dc::cli {
namespace bp = boost::process;
namespace env = launcher::env;
namespace {

volatile std::sig_atomic_t master_pid = 0;

// A signal from the terminal (Ctrl-C) reaches the whole foreground process group, the master
// included: forwarding it would make one Ctrl-C two (and the master ends the run on the
// second). Only signals sent to dcrun itself (kill, a scheduler) are passed on.
void forward_signal(int sig, siginfo_t* info, void*) {
    const bool from_terminal = info && info->si_code == SI_KERNEL;
    if (master_pid > 0 && !from_terminal) ::kill(master_pid, sig);
}

struct usage_error : config_error {
    using config_error::config_error;
};

int worker_count(const std::string& text) {
    if (text == "auto") return static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
    std::size_t used = 0;
    int n = -1;
    try {
        n = std::stoi(text, &used);
    } catch (const std::exception&) {
    }
    if (used != text.size() || n < 0) {
        throw usage_error("-p " + text + ": expected a number of workers (>= 0) or 'auto'");
    }
    return n;
}

bp::environment master_environment(const run_options& o) {
    bp::environment e = boost::this_process::environment();
    e[env::procs] = std::to_string(worker_count(o.procs.empty() ? "0" : o.procs));
    if (o.manager == "ssh") {
        e[env::manager] = "ssh";
        e[env::manager_settings] = managers::encode_ssh_settings(o.ssh);
    } else if (o.manager == "slurm") {
        e[env::manager] = "slurm";
        e[env::manager_settings] = managers::encode_slurm_settings(o.slurm);
    } else if (o.manager == "pbs") {
        e[env::manager] = "pbs";
        e[env::manager_settings] = managers::encode_pbs_settings(o.pbs);
    }
    if (!o.exename.empty()) e[env::exename] = o.exename;
    if (!o.exeflags.empty()) e[env::exeflags] = env::join_list(split_words(o.exeflags));
    if (!o.dir.empty()) e[env::dir] = std::filesystem::absolute(o.dir).string();
    for (const auto& kv : o.env) {
        if (kv.find('=') == std::string::npos || kv.front() == '=') {
            throw usage_error("--env " + kv + ": expected KEY=VALUE");
        }
    }
    if (!o.env.empty()) e[env::extra_env] = env::join_list(o.env);
    if (o.timeout < 0) throw usage_error("--timeout must be a positive number of seconds");
    if (o.timeout > 0) e[env::timeout] = std::to_string(o.timeout);
    if (!o.log_level.empty()) {
        if (o.log_level != "error" && o.log_level != "warn" && o.log_level != "info" &&
            o.log_level != "debug") {
            throw usage_error("--log-level " + o.log_level + ": use error, warn, info or debug");
        }
        e[env::log_level] = o.log_level;
    }
    if (!o.bind_to.empty()) e[env::bind_to] = o.bind_to;
    if (!o.topology.empty() && o.topology != "all_to_all" && o.topology != "master_worker") {
        throw usage_error("--topology " + o.topology + ": use all_to_all or master_worker");
    }
    if (!o.topology.empty()) e[env::topology] = o.topology;
    return e;
}

std::string find_program(const std::string& name) {
    if (name.find('/') != std::string::npos) {
        if (::access(name.c_str(), X_OK) == 0 && !std::filesystem::is_directory(name)) return name;
        return {};
    }
    return bp::search_path(name).string();
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
    if (quote) throw usage_error("unbalanced quote in '" + text + "'");
    if (in_word) words.push_back(std::move(word));
    return words;
}

void apply_cluster_file(const std::string& path, run_options& o) {
    const cluster_file f = read_cluster_file(path);
    if (o.manager.empty()) o.manager = f.manager;
    o.ssh = f.ssh;
    o.slurm = f.slurm;
    o.pbs = f.pbs;
    if (o.procs.empty() && f.workers) o.procs = std::to_string(*f.workers);
    if (o.exename.empty() && f.exename) o.exename = *f.exename;
    if (o.exeflags.empty() && f.exeflags) {
        for (const auto& w : *f.exeflags)
            o.exeflags += (o.exeflags.empty() ? "'" : " '") + w + "'";
    }
    if (o.dir.empty() && f.dir) o.dir = *f.dir;
    if (o.timeout == 0 && f.timeout) o.timeout = *f.timeout;
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

void resolve_manager(run_options& o) {
    if (!o.hosts.empty() || !o.machine_file.empty()) {
        o.ssh.hosts =
            o.hosts.empty() ? read_machine_file(o.machine_file) : parse_hosts_flag(o.hosts);
        if (o.manager.empty() || o.manager == "local") o.manager = "ssh";
    }
    if (o.manager.empty()) o.manager = "local";
    if (!o.ssh_identity.empty()) o.ssh.identity = o.ssh_identity;
    if (!o.ssh_known_hosts.empty()) o.ssh.known_hosts = o.ssh_known_hosts;
    if (!o.ssh_host_key_check.empty()) {
        const auto& v = o.ssh_host_key_check;
        if (v != "strict" && v != "accept-new" && v != "off") {
            throw config_error("--ssh-host-key-check " + v + ": use strict, accept-new or off");
        }
        o.ssh.host_key_check = v;
    }
    if (o.ssh_tunnel) o.ssh.tunnel = true;
    const auto& f = o.slurm_flags;
    if (!f.partition.empty()) o.slurm.partition = f.partition;
    if (!f.time.empty()) o.slurm.time = f.time;
    if (!f.account.empty()) o.slurm.account = f.account;
    if (f.nodes) o.slurm.nodes = f.nodes;
    if (f.ntasks_per_node) o.slurm.ntasks_per_node = f.ntasks_per_node;
    if (f.cpus_per_task) o.slurm.cpus_per_task = f.cpus_per_task;
    o.slurm.extra.insert(o.slurm.extra.end(), f.extra.begin(), f.extra.end());
    const auto& p = o.pbs_flags;
    if (!p.dialect.empty()) {
        if (p.dialect != "torque" && p.dialect != "pbspro") {
            throw config_error("--pbs-dialect " + p.dialect + ": use torque or pbspro");
        }
        o.pbs.dialect = p.dialect;
    }
    if (!p.queue.empty()) o.pbs.queue = p.queue;
    if (!p.walltime.empty()) o.pbs.walltime = p.walltime;
    if (!p.select.empty()) o.pbs.select = p.select;
    if (!o.slurm_flags.account.empty()) o.pbs.account = o.slurm_flags.account;
    o.pbs.extra.insert(o.pbs.extra.end(), p.extra.begin(), p.extra.end());
    if (o.manager == "pbs" && o.procs.empty()) {
        throw config_error("the pbs manager needs a number of workers: give -n N");
    }
    if (o.manager == "slurm" && o.procs.empty() && !managers::inside_slurm_allocation()) {
        throw config_error("the slurm manager needs a number of workers outside an allocation: "
                           "give -n N (inside sbatch/salloc it uses SLURM_NTASKS)");
    }
    if (o.manager == "ssh" && o.ssh.hosts.empty()) {
        throw config_error("the ssh manager needs hosts: give --hosts, --machine-file or "
                           "ssh.hosts in the cluster file");
    }
    if (o.manager != "local" && o.manager != "ssh" && o.manager != "slurm" && o.manager != "pbs") {
        throw config_error("the " + o.manager +
                           " manager is not available in this version of dcrun yet");
    }
}

void setup_run(CLI::App& app, run_options& o) {
    app.prefix_command(); // everything from the program on belongs to the program
    app.add_option("--config", o.config, "cluster file (YAML or TOML); flags override its values");
    app.add_option("--manager", o.manager, "local (default), ssh, slurm or pbs");
    app.add_option("-p,-n,--procs", o.procs,
                   "number of workers, or 'auto' (CPU count); for ssh, spread over the hosts");
    app.add_option("--hosts", o.hosts,
                   "SSH workers: host, host:count or user@host:count, comma-separated");
    app.add_option("--machine-file", o.machine_file,
                   "SSH workers, one [count*][user@]host[:port] [bind_addr] a line");
    app.add_option("--ssh-identity", o.ssh_identity, "SSH private key file (ssh.identity)");
    app.add_option("--ssh-known-hosts", o.ssh_known_hosts,
                   "known-hosts file (default ~/.ssh/known_hosts)");
    app.add_option("--ssh-host-key-check", o.ssh_host_key_check,
                   "strict (default), accept-new or off");
    app.add_flag("--ssh-tunnel", o.ssh_tunnel,
                 "workers reach the master through their SSH connection (reverse forward)");
    auto& sf = o.slurm_flags;
    app.add_option("--partition", sf.partition, "slurm: partition of the workers' job");
    app.add_option("--time", sf.time, "slurm: time limit of the workers' job (e.g. 00:30:00)");
    app.add_option("--account", sf.account, "slurm, pbs: account to charge");
    app.add_option("--nodes", sf.nodes, "slurm: number of nodes");
    app.add_option("--ntasks-per-node", sf.ntasks_per_node, "slurm: workers per node");
    app.add_option("--cpus-per-task", sf.cpus_per_task, "slurm: CPUs per worker");
    app.add_option("--slurm-arg", sf.extra, "slurm: one more srun flag, e.g. --qos=debug")
        ->allow_extra_args(false);
    auto& pf = o.pbs_flags;
    pf.dialect.clear(); // "" = not given
    app.add_option("--queue", pf.queue, "pbs: queue of the workers' job");
    app.add_option("--walltime", pf.walltime, "pbs: walltime of the workers' job");
    app.add_option("--select", pf.select, "pbs: resources per array element (-l select=/nodes=)");
    app.add_option("--pbs-dialect", pf.dialect, "pbs: torque (qsub -t, default) or pbspro (-J)");
    app.add_option("--pbs-arg", pf.extra, "pbs: one more qsub flag")->allow_extra_args(false);
    app.add_option("--exename", o.exename, "program the workers run (default: the same program)");
    app.add_option("--exeflags", o.exeflags, "extra arguments for each worker process");
    app.add_option("--dir", o.dir, "working directory of the workers");
    app.add_option("--env", o.env, "KEY=VALUE added to the workers' environment (repeatable)")
        ->allow_extra_args(false);
    app.add_option("--timeout", o.timeout, "seconds a worker may take to connect (default 60)");
    app.add_option("--log-level", o.log_level, "error, warn (default), info or debug");
    app.add_option("--bind-to", o.bind_to,
                   "address, interface or CIDR block to listen on (default loopback)");
    app.add_option("--topology", o.topology, "all_to_all (default) or master_worker");
}

int run_program(const run_options& o) {
    if (o.command.empty()) {
        std::cerr << "dcrun: no program given; usage: dcrun [options] ./app [args...]\n";
        return exit_config_error;
    }
    if (o.command[0].size() > 1 && o.command[0][0] == '-') {
        std::cerr << "dcrun: unknown option " << o.command[0] << "; see dcrun --help\n";
        return exit_config_error;
    }
    run_options effective = o;
    try {
        if (!o.config.empty()) apply_cluster_file(o.config, effective);
        resolve_manager(effective);
    } catch (const config_error& e) {
        std::cerr << "dcrun: " << e.what() << "\n";
        return exit_config_error;
    }
    bp::environment environment;
    try {
        environment = master_environment(effective);
        split_words(effective.exeflags);
    } catch (const usage_error& e) {
        std::cerr << "dcrun: " << e.what() << "\n";
        return exit_config_error;
    }
    const std::string program = find_program(o.command[0]);
    if (program.empty()) {
        std::cerr << "dcrun: cannot run '" << o.command[0]
                  << "': no such executable file (check the path, or build it first)\n";
        return exit_not_found;
    }
    std::vector<std::string> args(o.command.begin() + 1, o.command.end());
    std::error_code ec;
    bp::child master(
        bp::exe = program, bp::args = args, environment,
        bp::extend::on_exec_setup = [](auto&) { ::prctl(PR_SET_PDEATHSIG, SIGTERM); }, ec);
    if (ec) {
        std::cerr << "dcrun: cannot start " << program << ": " << ec.message() << "\n";
        return exit_not_found;
    }
    master_pid = master.id();
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
        struct sigaction action {};
        action.sa_sigaction = forward_signal;
        action.sa_flags = SA_SIGINFO | SA_RESTART;
        ::sigemptyset(&action.sa_mask);
        ::sigaction(sig, &action, nullptr);
    }
    master.wait(ec);
    const int raw = master.native_exit_code();
    if (WIFSIGNALED(raw)) {
        std::cerr << "dcrun: " << o.command[0] << " was killed by " << signal_name(WTERMSIG(raw))
                  << "\n";
        return exit_signal_base + WTERMSIG(raw);
    }
    return WEXITSTATUS(raw);
}

} // namespace dc::cli
