#include <dc/managers/master_job.hpp>

#include <dc/errors.hpp>
#include <dc/launcher/run_tool.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace dc::managers {
namespace {

namespace fs = std::filesystem;
using launcher::run_tool;
using launcher::shell_quote;

/// The part both schedulers' scripts end with: run, then record the exit code.
std::string run_and_record(const master_job& job, const std::string& status_file) {
    std::ostringstream s;
    s << "cd " << shell_quote(job.cwd) << " || exit 1\n"
      << job.command << "\n"
      << "status=$?\n"
      << "mkdir -p .dcrun && echo $status > " << shell_quote(status_file) << "\n"
      << "exit $status\n";
    return s.str();
}

std::string status_file_of(const master_job& job) {
    return job.cwd + "/.dcrun/submit-" + job.tag + ".status";
}

} // namespace

master_job_files slurm_master_job(const slurm_settings& s, const master_job& job) {
    master_job_files f;
    f.output = job.cwd + "/dcrun-%j.out";
    f.status_file = status_file_of(job);
    std::ostringstream out;
    out << "#!/bin/bash\n"
        << "# Written by dcrun submit: the master runs in this batch step and starts its "
        << job.workers << " workers as one srun step inside the allocation.\n"
        << "#SBATCH --job-name=dcrun-" << job.app << "\n"
        << "#SBATCH --ntasks=" << job.workers << "\n";
    for (const auto& option : slurm_options(s, true))
        out << "#SBATCH " << option << "\n";
    out << "#SBATCH --output=" << f.output << "\n" << run_and_record(job, f.status_file);
    f.script = out.str();
    return f;
}

master_job_files pbs_master_job(const pbs_settings& s, const master_job& job) {
    master_job_files f;
    f.output = job.cwd + "/dcrun-" + job.app + "-" + job.tag + ".out";
    f.status_file = status_file_of(job);
    std::ostringstream out;
    out << "#!/bin/bash\n"
        << "# Written by dcrun submit: the master runs in this job and submits its " << job.workers
        << " workers as a job array.\n"
        << "#PBS -N dcrun-" << job.app << "\n";
    for (const auto& [flag, value] : pbs_resources(s))
        out << "#PBS " << flag << " " << value << "\n";
    out << "#PBS -j oe\n#PBS -o " << f.output << "\n" << run_and_record(job, f.status_file);
    f.script = out.str();
    return f;
}

std::string submit_with_sbatch(const master_job_files& files) {
    const auto r = run_tool("sbatch", {"--parsable"}, files.script);
    if (r.code != 0) throw launch_error("sbatch refused the job: " + r.out);
    return r.out.substr(0, r.out.find_first_of(";\n"));
}

std::string submit_with_qsub(const master_job_files& files, const master_job& job) {
    const auto script = fs::path(job.cwd) / ".dcrun" / ("submit-" + job.tag + ".sh");
    fs::create_directories(script.parent_path());
    std::ofstream(script) << files.script;
    // -o and -j on the command line too: not every qsub reads them from the script.
    const auto r = run_tool("qsub", {"-j", "oe", "-o", files.output, script.string()});
    std::error_code ec;
    fs::remove(script, ec);
    if (r.code != 0) throw launch_error("qsub refused the job: " + r.out);
    return r.out.substr(0, r.out.find_first_of("\r\n"));
}

bool batch_job_alive(const std::string& manager, const std::string& id) {
    if (manager == "slurm") return slurm_job_alive(id);
    const auto r = run_tool("qstat", {"-f", id});
    return r.code == 0 && !pbs_job_over(pbs_job_state(r.out));
}

} // namespace dc::managers
