#include <dc/managers/slurm_manager.hpp>

#include "batch/array_job.hpp"
#include "slurm/srun_step.hpp"

#include "common/json_settings.hpp"

#include <dc/errors.hpp>
#include <dc/launcher/bootstrap.hpp>
#include <dc/launcher/programs.hpp>
#include <dc/launcher/remote_worker.hpp>
#include <dc/launcher/route.hpp>
#include <dc/launcher/run_tool.hpp>

#include <cereal/types/optional.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace dc::managers {

template <class Archive> void serialize(Archive& a, slurm_settings& s) {
    a(cereal::make_nvp("partition", s.partition), cereal::make_nvp("time", s.time),
      cereal::make_nvp("account", s.account), cereal::make_nvp("nodes", s.nodes),
      cereal::make_nvp("ntasks_per_node", s.ntasks_per_node),
      cereal::make_nvp("cpus_per_task", s.cpus_per_task), cereal::make_nvp("extra", s.extra),
      cereal::make_nvp("srun", s.srun), cereal::make_nvp("mode", s.mode));
}

namespace {
namespace env = launcher::env;
namespace fs = std::filesystem;
} // namespace

std::string encode_slurm_settings(const slurm_settings& s) {
    return settings_to_json("slurm", s);
}

slurm_settings decode_slurm_settings(const std::string& text) {
    return settings_from_json<slurm_settings>("slurm", text);
}

std::vector<std::string> slurm_options(const slurm_settings& s, bool new_allocation) {
    std::vector<std::string> o;
    if (new_allocation) {
        if (!s.partition.empty()) o.push_back("--partition=" + s.partition);
        if (!s.time.empty()) o.push_back("--time=" + s.time);
        if (!s.account.empty()) o.push_back("--account=" + s.account);
    }
    if (s.nodes) o.push_back("--nodes=" + std::to_string(*s.nodes));
    if (s.ntasks_per_node) o.push_back("--ntasks-per-node=" + std::to_string(*s.ntasks_per_node));
    if (s.cpus_per_task) o.push_back("--cpus-per-task=" + std::to_string(*s.cpus_per_task));
    o.insert(o.end(), s.extra.begin(), s.extra.end());
    return o;
}

bool slurm_job_alive(const std::string& id) {
    const auto r = launcher::run_tool("squeue", {"-h", "-j", id, "-o", "%T"});
    return r.code == 0 && !r.out.empty() && r.out.find("COMPLET") == std::string::npos;
}

bool inside_slurm_allocation() {
    return std::getenv("SLURM_JOB_ID") != nullptr;
}

slurm_manager::slurm_manager(slurm_settings settings) : settings_(std::move(settings)) {}
slurm_manager::~slurm_manager() = default;

int slurm_manager::planned_workers() {
    if (!inside_slurm_allocation()) return -1;
    for (const char* name : {"SLURM_NTASKS", "SLURM_NPROCS"}) {
        if (const char* n = std::getenv(name)) return std::max(1, std::atoi(n));
    }
    return 1;
}

std::string slurm_manager::master_bind_hint() {
    return launcher::default_route_address();
}

std::vector<std::string> slurm_manager::srun_command(int count,
                                                     const launcher::worker_command& cmd) const {
    const auto& s = settings_;
    std::vector<std::string> c{s.srun,
                               "--verbose",
                               "--label",
                               "--input=all",
                               "--ntasks=" + std::to_string(count),
                               "--kill-on-bad-exit=0"};
    const bool new_allocation = !inside_slurm_allocation();
    if (new_allocation) c.emplace_back("--job-name=dcrun-workers");
    if (!cmd.dir.empty()) c.push_back("--chdir=" + cmd.dir);
    const auto options = slurm_options(s, new_allocation);
    c.insert(c.end(), options.begin(), options.end());
    c.push_back(cmd.exe);
    c.insert(c.end(), cmd.args.begin(), cmd.args.end());
    return c;
}

std::vector<std::unique_ptr<launched_worker>> slurm_manager::launch(const launch_request& request) {
    if (settings_.mode == "array") return launch_array(request);
    auto cmd = request.command;
    launcher::remote_worker_env how; // the id: DC_ID_BASE + the task's SLURM_PROCID
    how.id_base = request.first_id;
    how.id_offset_from = "SLURM_PROCID";
    const std::string cookie = launcher::make_remote(cmd, how);
    const auto command = srun_command(request.count, request.command);
    std::string text;
    for (const auto& word : command)
        text += (text.empty() ? "" : " ") + word;
    log_step("slurm manager: " + text);
    auto step = std::make_shared<srun_step>(command, cmd.env, cookie, request.first_id,
                                            request.count, request.on_output, step_log());
    return step->workers();
}

// The job's end time, as Slurm has it (its time limit, or the partition's), in epoch seconds.
// An array element is named ARRAY_TASK: the element whose own id is the array's would otherwise
// list every element.
const char* const slurm_job_end_lines =
    "job=$SLURM_JOB_ID; [ -n \"$SLURM_ARRAY_JOB_ID\" ] && "
    "job=${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}\n"
    "end=$(squeue -h -j \"$job\" -o %e 2>/dev/null | head -n 1)\n"
    "[ -n \"$end\" ] && DC_JOB_END=$(date -d \"$end\" +%s 2>/dev/null) && export DC_JOB_END\n";

std::vector<std::string> slurm_manager::sbatch_array_arguments(int count) const {
    const auto& s = settings_;
    std::vector<std::string> a{"--parsable", "--array=0-" + std::to_string(count - 1),
                               "--job-name=dcrun-workers", "--ntasks=1", "--output=/dev/null"};
    if (!s.partition.empty()) a.push_back("--partition=" + s.partition);
    if (!s.time.empty()) a.push_back("--time=" + s.time);
    if (!s.account.empty()) a.push_back("--account=" + s.account);
    if (s.cpus_per_task) a.push_back("--cpus-per-task=" + std::to_string(*s.cpus_per_task));
    a.insert(a.end(), s.extra.begin(), s.extra.end());
    return a;
}

std::vector<std::unique_ptr<launched_worker>>
slurm_manager::launch_array(const launch_request& request) {
    const std::string sbatch = launcher::find_program("sbatch");
    const std::string squeue = launcher::find_program("squeue");
    const std::string scancel = launcher::find_program("scancel");
    if (sbatch.empty() || squeue.empty() || scancel.empty()) {
        throw launch_error("slurm manager: sbatch, squeue or scancel is not on PATH; run dcrun "
                           "where the Slurm client commands are installed (a login node)");
    }
    auto cmd = request.command;
    if (cmd.dir.empty()) cmd.dir = fs::current_path().string();
    const auto run_dir = make_run_dir(cmd.dir, "slurm");
    const auto cookie_file = run_dir / "cookie";
    launcher::remote_worker_env how; // the id: set by the script from the array index
    how.cookie_file = cookie_file.string();
    write_private_file(cookie_file, launcher::make_remote(cmd, how) + "\n");
    const auto script_path = run_dir / "workers.sh";
    std::ofstream(script_path) << array_job_script("# dcrun: " + std::to_string(request.count) +
                                                       " worker(s) as a Slurm job array. Written "
                                                       "by dcrun; removed at the end of the run.\n",
                                                   "${SLURM_ARRAY_TASK_ID:-0}", request.first_id,
                                                   cmd, run_dir.string(), slurm_job_end_lines);
    auto args = sbatch_array_arguments(request.count);
    args.push_back(script_path.string());
    std::string text = sbatch;
    for (const auto& word : args)
        text += " " + word;
    log_step("slurm manager: " + text);
    const auto submitted = launcher::run_tool(sbatch, args);
    if (submitted.code != 0) {
        std::error_code ec;
        fs::remove_all(run_dir, ec);
        throw launch_error("slurm manager: sbatch refused the workers' job array (exit code " +
                           std::to_string(submitted.code) + "): " + submitted.out);
    }
    const std::string job_id = submitted.out.substr(0, submitted.out.find_first_of(";\r\n"));
    log_step("slurm manager: submitted job array " + job_id);
    array_job_queue queue;
    queue.left = [squeue, job_id]() -> std::optional<std::string> {
        const auto r = launcher::run_tool(squeue, {"-h", "-j", job_id, "-o", "%T"});
        if (r.code == 0 && !r.out.empty()) return std::nullopt;
        return r.code == 0 ? "no longer in squeue" : "squeue: " + r.out;
    };
    queue.cancel = [scancel, job_id] { launcher::run_tool(scancel, {job_id}); };
    return follow_array_job(job_id, run_dir, request.first_id, request.count, request.on_output,
                            std::move(queue));
}

} // namespace dc::managers
