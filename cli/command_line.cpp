#include "command_line.hpp"

#include "run_command.hpp"

#include <dc/errors.hpp>
#include <dc/launcher/launch_plan.hpp>

namespace dc::cli {
namespace {

/// A CLI11 validator from a check that throws dc::config_error.
template <class Check> CLI::Validator checked_by(Check check, const std::string& what) {
    return CLI::Validator(
        [check](std::string& value) -> std::string {
            try {
                check(value);
                return {};
            } catch (const config_error& e) {
                return e.what();
            }
        },
        what);
}

const auto worker_count_check = checked_by([](const std::string& v) { worker_count(v); }, "N|auto");
const auto env_entry_check = checked_by(check_env_entry, "KEY=VALUE");

/// "Usage: dcrun [OPTIONS] [SUBCOMMAND]" names the program too.
class usage_with_program : public CLI::Formatter {
public:
    std::string make_usage(const CLI::App* app, std::string name) const override {
        auto usage = CLI::Formatter::make_usage(app, std::move(name));
        const auto end = usage.find_last_not_of('\n') + 1;
        return usage.substr(0, end) + " PROGRAM [ARGS...]" + usage.substr(end);
    }
};

void add_ssh_flags(CLI::App& app, run_options& o) {
    app.add_option("--hosts", o.hosts,
                   "SSH workers: host, host:count or user@host:count, comma-separated");
    app.add_option("--machine-file", o.machine_file,
                   "SSH workers, one [count*][user@]host[:port] [bind_addr] a line");
    app.add_option("--ssh-identity", o.ssh_identity, "SSH private key file (ssh.identity)");
    app.add_option("--ssh-known-hosts", o.ssh_known_hosts,
                   "known-hosts file (default ~/.ssh/known_hosts)");
    app.add_option("--ssh-host-key-check", o.ssh_host_key_check,
                   "strict (default), accept-new or off")
        ->check(CLI::IsMember({"strict", "accept-new", "off"}));
    app.add_flag("--ssh-tunnel", o.ssh_tunnel,
                 "workers reach the master through their SSH connection (reverse forward)");
}

void add_batch_flags(CLI::App& app, run_options& o) {
    auto& sf = o.slurm_flags;
    app.add_option("--partition", sf.partition, "slurm: partition of the workers' job");
    app.add_option("--time", sf.time, "slurm: time limit of the workers' job (e.g. 00:30:00)");
    app.add_option("--account", sf.account, "slurm, pbs: account to charge");
    app.add_option("--nodes", sf.nodes, "slurm: number of nodes")->check(CLI::PositiveNumber);
    app.add_option("--ntasks-per-node", sf.ntasks_per_node, "slurm: workers per node")
        ->check(CLI::PositiveNumber);
    app.add_option("--cpus-per-task", sf.cpus_per_task, "slurm: CPUs per worker")
        ->check(CLI::PositiveNumber);
    app.add_option("--slurm-arg", sf.extra, "slurm: one more srun flag, e.g. --qos=debug")
        ->allow_extra_args(false);
    sf.mode.clear(); // "" = not given
    app.add_option("--slurm-mode", sf.mode,
                   "slurm: step (one srun step, the default) or array (a job array of "
                   "one-task jobs: workers start as nodes free up)")
        ->check(CLI::IsMember({"step", "array"}));
    auto& pf = o.pbs_flags;
    pf.dialect.clear(); // "" = not given
    app.add_option("--queue", pf.queue, "pbs: queue of the workers' job");
    app.add_option("--walltime", pf.walltime, "pbs: walltime of the workers' job");
    app.add_option("--select", pf.select, "pbs: resources per array element (-l select=/nodes=)");
    app.add_option("--pbs-dialect", pf.dialect, "pbs: torque (qsub -t, default) or pbspro (-J)")
        ->check(CLI::IsMember({"torque", "pbspro"}));
    app.add_option("--pbs-arg", pf.extra, "pbs: one more qsub flag")->allow_extra_args(false);
}

void add_worker_flags(CLI::App& app, run_options& o) {
    app.add_option("--exename", o.exename, "program the workers run (default: the same program)");
    app.add_option_function<std::vector<std::string>>(
           "--exeflags",
           [&o](const std::vector<std::string>& values) {
               for (const auto& text : values) {
                   const auto words = split_words(text);
                   o.exeflags.insert(o.exeflags.end(), words.begin(), words.end());
               }
           },
           "arguments for each worker process, split like a shell does (repeatable)")
        ->check(checked_by([](const std::string& v) { split_words(v); }, "ARGS"))
        ->allow_extra_args(false);
    app.add_option("--dir", o.dir, "working directory of the workers");
    app.add_option("--env", o.env, "KEY=VALUE added to the workers' environment (repeatable)")
        ->check(env_entry_check)
        ->allow_extra_args(false);
    app.add_option("--timeout", o.timeout, "seconds a worker may take to connect (default 60)")
        ->check(CLI::PositiveNumber);
    app.add_option("--heartbeat", o.heartbeat,
                   "seconds without hearing from a process before it is declared dead (default "
                   "10; 0: never)")
        ->check(CLI::NonNegativeNumber);
    app.add_option("--min-workers", o.min_workers,
                   "start the program once this many workers are up; the others join as their "
                   "jobs start (default: all)")
        ->check(CLI::PositiveNumber);
    app.add_option("--drain-before", o.drain_before,
                   "a batch worker this many seconds from its walltime takes no new pool work, "
                   "finishes its calls and leaves (default 60; 0: never)")
        ->check(CLI::NonNegativeNumber);
    app.add_flag("--replace-workers", o.replace_workers,
                 "submit a new worker job for each worker that leaves before its walltime");
    app.add_option("--adapt", o.adapt,
                   "MIN:MAX: start workers while pool work waits, release idle ones (dc::adapt)")
        ->check(checked_by(
            [](const std::string& v) {
                if (!launcher::parse_adapt_range(v)) {
                    throw config_error("expected MIN:MAX with 0 <= MIN <= MAX, MAX >= 1");
                }
            },
            "MIN:MAX"));
    app.add_option("--idle-timeout", o.idle_timeout,
                   "seconds an idle worker is kept with --adapt (default 60)")
        ->check(CLI::PositiveNumber);
    app.add_flag("--quiet", o.quiet, "no progress line while workers start (shown on a terminal)");
    app.add_option("--trace", o.trace,
                   "write a timeline of the run to FILE (Chrome trace-event JSON: open it in "
                   "Perfetto UI or chrome://tracing)");
    app.add_option("--topology", o.topology, "all_to_all (default) or master_worker")
        ->check(CLI::IsMember({"all_to_all", "master_worker"}));
}

} // namespace

void setup_run(CLI::App& app, run_options& o) {
    app.prefix_command(); // everything from the program on belongs to the program
    app.add_option("--config", o.config, "cluster file (YAML or TOML); flags override its values");
    app.add_option("--manager", o.manager, "local (default), ssh, slurm or pbs")
        ->check(CLI::IsMember(managers::manager_names()));
    app.add_option("-p,-n,--procs", o.procs,
                   "number of workers, or 'auto' (CPU count); for ssh, spread over the hosts")
        ->check(worker_count_check);
    add_ssh_flags(app, o);
    add_batch_flags(app, o);
    add_worker_flags(app, o);
    app.add_option("--log-level", o.log_level, "error, warn (default), info or debug")
        ->check(CLI::IsMember({"error", "warn", "info", "debug"}));
    app.add_option("--bind-to", o.bind_to,
                   "address, interface or CIDR block to listen on (default loopback)");
}

CLI::App* setup_submit(CLI::App& app, submit_options& o) {
    auto* submit = app.add_subcommand(
        "submit", "run the program as a batch job (the master inside the allocation) and print "
                  "the job id; the workers start inside that allocation");
    setup_run(*submit, o.run);
    submit->add_flag("--print-script", o.print_script, "show the batch script; submit nothing");
    submit->add_flag("--wait", o.wait, "follow the job's output to the end; exit with its code");
    submit->formatter(std::make_shared<usage_with_program>());
    return submit;
}

CLI::App* setup_report(CLI::App& app, report_options& o) {
    auto* report = app.add_subcommand(
        "report", "make one self-contained HTML page of a timeline written by dcrun --trace");
    report->add_option("trace", o.trace, "the timeline (JSON) that dcrun --trace wrote")
        ->required();
    report->add_option("-o,--output", o.output, "the page to write (default report.html)");
    return report;
}

void setup_dcrun(CLI::App& app, run_options& run, submit_options& submit, report_options& report) {
    app.set_version_flag("--version", "dcrun 0.1.0");
    app.formatter(std::make_shared<usage_with_program>());
    app.footer("PROGRAM [ARGS...]: the program to run as process 1 (the master), and its "
               "arguments; every option after PROGRAM is the program's.");
    setup_run(app, run);
    setup_submit(app, submit);
    setup_report(app, report);
}

} // namespace dc::cli
