#include <dc/managers/pbs_manager.hpp>

#include "batch/array_job.hpp"
#include "common/json_settings.hpp"
#include "common/shell_quote.hpp"

#include <dc/errors.hpp>
#include <dc/launcher/bootstrap.hpp>
#include <dc/launcher/programs.hpp>
#include <dc/launcher/random_name.hpp>
#include <dc/launcher/remote_worker.hpp>
#include <dc/launcher/route.hpp>
#include <dc/launcher/run_tool.hpp>

#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace dc::managers {

template <class Archive> void serialize(Archive& a, pbs_settings& s) {
    a(cereal::make_nvp("dialect", s.dialect), cereal::make_nvp("queue", s.queue),
      cereal::make_nvp("walltime", s.walltime), cereal::make_nvp("select", s.select),
      cereal::make_nvp("account", s.account), cereal::make_nvp("extra", s.extra),
      cereal::make_nvp("qsub", s.qsub), cereal::make_nvp("qstat", s.qstat),
      cereal::make_nvp("qdel", s.qdel));
}

namespace {

namespace fs = std::filesystem;
namespace env = launcher::env;

using launcher::run_tool;

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

std::optional<long> walltime_seconds(const std::string& walltime) {
    if (walltime.empty()) return std::nullopt;
    long total = 0;
    std::size_t parts = 0;
    std::istringstream in(walltime);
    for (std::string part; std::getline(in, part, ':');) {
        if (part.empty() || part.size() > 6 ||
            part.find_first_not_of("0123456789") != std::string::npos || ++parts > 3)
            return std::nullopt;
        total = total * 60 + std::stol(part);
    }
    return total;
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
    std::ostringstream out; // the header: array_job_script writes the rest
    out << "# dcrun: " << count << " worker(s), ids " << first_id << ".." << first_id + count - 1
        << ", as a " << (pbspro ? "PBS Pro" : "Torque")
        << " job array. Written by dcrun; removed at the end of the run.\n"
        << "#PBS -N dcrun-workers\n"
        << "#PBS " << (pbspro ? "-J " : "-t ") << range << "\n";
    for (const auto& [flag, value] : pbs_resources(s))
        out << "#PBS " << flag << " " << value << "\n";
    out << "#PBS -j oe\n#PBS -o /dev/null\n#PBS -V\n";
    const std::string index = std::string("${") + (pbspro ? "PBS_ARRAY_INDEX" : "PBS_ARRAYID") +
                              ":-${SLURM_ARRAY_TASK_ID:-0}}";
    // Torque gives the job PBS_WALLTIME (seconds); else the walltime asked for, if any.
    const auto asked = walltime_seconds(s.walltime);
    const std::string job_end =
        "walltime=${PBS_WALLTIME:-" + (asked ? std::to_string(*asked) : "") + "}\n" +
        "[ -n \"$walltime\" ] && DC_JOB_END=$(($(date +%s) + walltime)) && export DC_JOB_END\n";
    return array_job_script(out.str(), index, first_id, cmd, run_dir, job_end);
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
    const std::string qsub = launcher::find_program(settings_.qsub);
    const std::string qstat = launcher::find_program(settings_.qstat);
    const std::string qdel = launcher::find_program(settings_.qdel);
    if (qsub.empty() || qstat.empty() || qdel.empty()) {
        throw launch_error("pbs manager: qsub, qstat or qdel is not on PATH; run dcrun where "
                           "the PBS client commands are installed (a login node)");
    }
    auto cmd = request.command;
    if (cmd.dir.empty()) cmd.dir = fs::current_path().string();
    // Shared with the nodes: the workers' directory. 0700, and the cookie file 0600.
    const fs::path run_dir = make_run_dir(cmd.dir, "pbs");
    const auto cookie_file = run_dir / "cookie";
    // No id here: the script sets DC_ID from the array index.
    launcher::remote_worker_env how;
    how.cookie_file = cookie_file.string();
    write_private_file(cookie_file, launcher::make_remote(cmd, how) + "\n");
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
        std::error_code ec;
        fs::remove_all(run_dir, ec);
        throw launch_error("pbs manager: qsub refused the workers' job (exit code " +
                           std::to_string(submitted.code) + "): " + submitted.out);
    }
    std::string job_id = submitted.out.substr(0, submitted.out.find_first_of("\r\n"));
    log_step("pbs manager: submitted job " + job_id);
    array_job_queue queue;
    queue.left = [qstat, job_id]() -> std::optional<std::string> {
        const auto r = launcher::run_tool(qstat, {"-f", job_id});
        if (r.code != 0) return "qstat: " + r.out;
        const char state = pbs_job_state(r.out);
        if (!pbs_job_over(state)) return std::nullopt;
        return "state " + std::string(1, state);
    };
    queue.cancel = [qdel, job_id] { launcher::run_tool(qdel, {job_id}); };
    return follow_array_job(job_id, run_dir, request.first_id, request.count, request.on_output,
                            std::move(queue));
}

} // namespace dc::managers
