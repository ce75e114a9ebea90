#include "submit_command.hpp"

#include "run_command.hpp"
#include <dc/exit_codes.hpp>

#include <dc/errors.hpp>
#include <dc/launcher/random_name.hpp>
#include <dc/launcher/run_tool.hpp>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

namespace dc::cli {
namespace {

namespace fs = std::filesystem;

using launcher::run_tool;
using launcher::shell_quote;

/// Whether the job is still pending or running.
bool job_alive(const std::string& manager, const std::string& id) {
    if (manager == "slurm") {
        auto r = run_tool("squeue", {"-h", "-j", id, "-o", "%T"});
        return r.code == 0 && !r.out.empty() && r.out.find("COMPLET") == std::string::npos;
    }
    auto r = run_tool("qstat", {"-f", id});
    const auto at = r.out.find("job_state = ");
    if (r.code != 0 || at == std::string::npos) return false;
    const char state = r.out[at + 12];
    return state != 'C' && state != 'F' && state != 'E';
}

/// Prints what the job writes to `output` until its status file appears; returns its code.
int follow(const submit_plan& plan, const std::string& id) {
    std::uintmax_t shown = 0;
    int gone_rounds = 0;
    for (int round = 0;; ++round) {
        std::error_code ec;
        const auto size = fs::file_size(plan.output, ec);
        if (!ec && size > shown) {
            std::ifstream in(plan.output, std::ios::binary);
            in.seekg(static_cast<std::streamoff>(shown));
            std::string chunk(size - shown, '\0');
            in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
            shown += static_cast<std::uintmax_t>(in.gcount());
            std::cout.write(chunk.data(), in.gcount());
            std::cout.flush();
        }
        std::ifstream status(plan.status_file);
        int code = 0;
        if (status >> code) {
            const auto now = fs::file_size(plan.output, ec);
            if (!ec && now > shown) continue; // the last lines first
            fs::remove(plan.status_file, ec);
            return code;
        }
        if (round % 10 == 9) { // every 2 s
            gone_rounds = job_alive(plan.manager, id) ? 0 : gone_rounds + 1;
            if (gone_rounds >= 3) {
                std::cerr << "dcrun: job " << id
                          << " ended before the program finished (cancelled, out of time or "
                             "its node failed); its output is in "
                          << plan.output << "\n";
                return 1;
            }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
}

} // namespace

submit_plan plan_submission(const run_options& o, const std::vector<std::string>& forwarded,
                            const std::string& dcrun_path, const std::string& cwd,
                            const std::string& tag) {
    submit_plan plan;
    plan.manager = o.manager;
    const std::string app = fs::path(o.command[0]).filename().string();
    std::string program = o.command[0];
    if (program.find('/') != std::string::npos)
        program = (fs::path(cwd) / program).lexically_normal().string();
    const std::string workers = o.procs;
    plan.status_file = cwd + "/.dcrun/submit-" + tag + ".status";
    std::ostringstream s;
    std::ostringstream line;
    line << shell_quote(dcrun_path);
    for (const auto& a : forwarded)
        line << " " << shell_quote(a);
    line << " " << shell_quote(program);
    for (std::size_t i = 1; i < o.command.size(); ++i)
        line << " " << shell_quote(o.command[i]);
    if (o.manager == "slurm") {
        plan.output = cwd + "/dcrun-%j.out";
        s << "#!/bin/bash\n"
          << "# Written by dcrun submit: the master runs in this batch step and starts its "
          << workers << " workers as one srun step inside the allocation.\n"
          << "#SBATCH --job-name=dcrun-" << app << "\n"
          << "#SBATCH --ntasks=" << workers << "\n";
        const auto& sl = o.slurm;
        if (!sl.partition.empty()) s << "#SBATCH --partition=" << sl.partition << "\n";
        if (!sl.time.empty()) s << "#SBATCH --time=" << sl.time << "\n";
        if (!sl.account.empty()) s << "#SBATCH --account=" << sl.account << "\n";
        if (sl.nodes) s << "#SBATCH --nodes=" << *sl.nodes << "\n";
        if (sl.ntasks_per_node) s << "#SBATCH --ntasks-per-node=" << *sl.ntasks_per_node << "\n";
        if (sl.cpus_per_task) s << "#SBATCH --cpus-per-task=" << *sl.cpus_per_task << "\n";
        for (const auto& x : sl.extra)
            s << "#SBATCH " << x << "\n";
        s << "#SBATCH --output=" << plan.output << "\n";
    } else {
        plan.output = cwd + "/dcrun-" + app + "-" + tag + ".out";
        const auto& p = o.pbs;
        const bool pbspro = p.dialect == "pbspro";
        s << "#!/bin/bash\n"
          << "# Written by dcrun submit: the master runs in this job and submits its " << workers
          << " workers as a job array.\n"
          << "#PBS -N dcrun-" << app << "\n";
        if (!p.queue.empty()) s << "#PBS -q " << p.queue << "\n";
        if (!p.walltime.empty()) s << "#PBS -l walltime=" << p.walltime << "\n";
        if (!p.select.empty())
            s << "#PBS -l " << (pbspro ? "select=" : "nodes=") << p.select << "\n";
        if (!p.account.empty()) s << "#PBS -A " << p.account << "\n";
        s << "#PBS -j oe\n#PBS -o " << plan.output << "\n";
    }
    s << "cd " << shell_quote(cwd) << " || exit 1\n"
      << line.str() << "\n"
      << "status=$?\n"
      << "mkdir -p .dcrun && echo $status > " << shell_quote(plan.status_file) << "\n"
      << "exit $status\n";
    plan.script = s.str();
    return plan;
}

int submit_program(const std::vector<std::string>& args) {
    CLI::App app{"dcrun submit: run the program as a batch job (the master inside the "
                 "allocation) and print the job id",
                 "dcrun submit"};
    run_options o;
    setup_run(app, o);
    bool print_script = false;
    bool wait = false;
    app.add_flag("--print-script", print_script, "show the batch script; submit nothing");
    app.add_flag("--wait", wait, "follow the job's output to the end; exit with its code");
    try {
        app.parse(std::vector<std::string>(args.rbegin(), args.rend()));
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? 0 : exit_config_error;
    }
    o.command = app.remaining();
    if (o.command.empty()) {
        std::cerr << "dcrun submit: no program given; usage: dcrun submit [options] ./app\n";
        return exit_config_error;
    }
    run_options effective = o;
    try {
        if (!o.config.empty()) apply_cluster_file(o.config, effective);
        if (effective.manager.empty() || effective.manager == "local") effective.manager = "slurm";
        if (effective.manager != "slurm" && effective.manager != "pbs") {
            throw config_error("dcrun submit works with --manager slurm or pbs");
        }
        if (effective.procs.empty()) {
            throw config_error("dcrun submit needs the number of workers: give -n N");
        }
        resolve_manager(effective);
    } catch (const config_error& e) {
        std::cerr << "dcrun submit: " << e.what() << "\n";
        return exit_config_error;
    }
    // The options go to the dcrun in the job as they were given, minus submit's own.
    std::vector<std::string> forwarded;
    const std::size_t options_end = args.size() - o.command.size();
    for (std::size_t i = 0; i < options_end; ++i) {
        if (args[i] != "--print-script" && args[i] != "--wait") forwarded.push_back(args[i]);
    }
    if (o.manager.empty()) forwarded.insert(forwarded.begin(), {"--manager", effective.manager});
    const std::string tag = launcher::random_hex(8);
    const auto plan =
        plan_submission(effective, forwarded, fs::read_symlink("/proc/self/exe").string(),
                        fs::current_path().string(), tag);
    if (print_script) {
        std::cout << plan.script;
        return 0;
    }
    std::string id;
    if (plan.manager == "slurm") {
        auto r = run_tool("sbatch", {"--parsable"}, plan.script);
        if (r.code != 0) {
            std::cerr << "dcrun submit: sbatch refused the job: " << r.out;
            return exit_launch_error;
        }
        id = r.out.substr(0, r.out.find_first_of(";\n"));
    } else {
        const auto script = fs::current_path() / ".dcrun" / ("submit-" + tag + ".sh");
        fs::create_directories(script.parent_path());
        std::ofstream(script) << plan.script;
        // -o and -j on the command line too: not every qsub reads them from the script.
        auto r = run_tool("qsub", {"-j", "oe", "-o", plan.output, script.string()});
        fs::remove(script);
        if (r.code != 0) {
            std::cerr << "dcrun submit: qsub refused the job: " << r.out;
            return exit_launch_error;
        }
        id = r.out.substr(0, r.out.find_first_of("\r\n"));
    }
    std::string output = plan.output;
    if (auto at = output.find("%j"); at != std::string::npos) output.replace(at, 2, id);
    std::cout << id << std::endl;
    std::cerr << "dcrun: submitted job " << id << "; its output goes to " << output << "\n";
    if (!wait) return 0;
    submit_plan followed = plan;
    followed.output = output;
    return follow(followed, id);
}

} // namespace dc::cli
