#include "submit_command.hpp"

#include "run_command.hpp"
#include <dc/exit_codes.hpp>

#include <dc/errors.hpp>
#include <dc/launcher/output_lines.hpp>
#include <dc/launcher/random_name.hpp>
#include <dc/launcher/run_tool.hpp>
#include <dc/managers/master_job.hpp>

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

using launcher::shell_quote;

/// Prints what the job writes to `output` until its status file appears; returns its code.
int follow(const std::string& manager, const std::string& id, const std::string& output_file,
           const std::string& status_file) {
    launcher::file_follower output(output_file);
    int gone_rounds = 0;
    const auto show_new_output = [&] {
        const auto chunk = output.read_new();
        std::cout.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
        std::cout.flush();
    };
    for (int round = 0;; ++round) {
        show_new_output();
        std::ifstream status(status_file);
        int code = 0;
        if (status >> code) {
            show_new_output(); // what the job wrote just before its status
            std::error_code ec;
            fs::remove(status_file, ec);
            return code;
        }
        if (round % 10 == 9) { // every 2 s
            gone_rounds = managers::batch_job_alive(manager, id) ? 0 : gone_rounds + 1;
            if (gone_rounds >= 3) {
                std::cerr << "dcrun: job " << id
                          << " ended before the program finished (cancelled, out of time or "
                             "its node failed); its output is in "
                          << output_file << "\n";
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
    std::string program = o.command[0];
    if (program.find('/') != std::string::npos)
        program = (fs::path(cwd) / program).lexically_normal().string();
    std::string line = shell_quote(dcrun_path);
    for (const auto& a : forwarded)
        line += " " + shell_quote(a);
    line += " " + shell_quote(program);
    for (std::size_t i = 1; i < o.command.size(); ++i)
        line += " " + shell_quote(o.command[i]);
    submit_plan plan;
    plan.manager = o.manager;
    plan.job.app = fs::path(o.command[0]).filename().string();
    plan.job.workers = worker_count(o.procs);
    plan.job.command = line;
    plan.job.cwd = cwd;
    plan.job.tag = tag;
    plan.files = o.manager == "slurm" ? managers::slurm_master_job(o.settings.slurm, plan.job)
                                      : managers::pbs_master_job(o.settings.pbs, plan.job);
    return plan;
}

std::vector<std::string> forwarded_options(const submit_options& o) {
    std::vector<std::string> forwarded;
    const std::size_t options_end = o.given.size() - o.run.command.size();
    for (std::size_t i = 0; i < options_end; ++i) {
        if (o.given[i] != "--print-script" && o.given[i] != "--wait") {
            forwarded.push_back(o.given[i]);
        }
    }
    return forwarded;
}

int run_submit(const submit_options& o) {
    if (o.run.command.empty()) {
        std::cerr << "dcrun submit: no program given; usage: dcrun submit [options] ./app\n";
        return exit_config_error;
    }
    run_options effective = o.run;
    try {
        if (!o.run.config.empty()) apply_cluster_file(o.run.config, effective);
        if (effective.manager.empty() || effective.manager == "local") effective.manager = "slurm";
        if (!managers::find_manager(effective.manager).batch) {
            throw config_error("dcrun submit works with a batch manager: --manager slurm or pbs");
        }
        if (effective.procs.empty()) {
            throw config_error("dcrun submit needs the number of workers: give -n N");
        }
        worker_count(effective.procs);
        resolve_manager(effective);
    } catch (const config_error& e) {
        std::cerr << "dcrun submit: " << e.what() << "\n";
        return exit_config_error;
    }
    auto forwarded = forwarded_options(o);
    if (o.run.manager.empty())
        forwarded.insert(forwarded.begin(), {"--manager", effective.manager});
    const std::string tag = launcher::random_hex(8);
    const auto plan =
        plan_submission(effective, forwarded, fs::read_symlink("/proc/self/exe").string(),
                        fs::current_path().string(), tag);
    if (o.print_script) {
        std::cout << plan.files.script;
        return 0;
    }
    std::string id;
    try {
        id = plan.manager == "slurm" ? managers::submit_with_sbatch(plan.files)
                                     : managers::submit_with_qsub(plan.files, plan.job);
    } catch (const launch_error& e) {
        std::cerr << "dcrun submit: " << e.what();
        return exit_launch_error;
    }
    std::string output = plan.files.output;
    if (auto at = output.find("%j"); at != std::string::npos) output.replace(at, 2, id);
    std::cout << id << std::endl;
    std::cerr << "dcrun: submitted job " << id << "; its output goes to " << output << "\n";
    if (!o.wait) return 0;
    return follow(plan.manager, id, output, plan.files.status_file);
}

} // namespace dc::cli
