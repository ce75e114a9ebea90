#pragma once
// Workers as one Slurm job step. Inside an allocation (sbatch, salloc) the step uses it, with
// SLURM_NTASKS workers unless told otherwise; from a login node srun gets an allocation of its
// own with the partition, time, account and shape given here. Output comes back through srun
// (labelled by task, no per-task files); the cookie goes to every task on standard input. A
// launch failure or the end of the run cancels the step and the job it made.

#include <dc/managers/cluster_manager.hpp>
#include <dc/managers/config_section.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace dc::managers {

struct slurm_settings {
    std::string partition, time, account;
    std::optional<int> nodes, ntasks_per_node, cpus_per_task;
    std::vector<std::string> extra; ///< more srun flags, e.g. --qos=debug
    std::string srun = "srun";      ///< the srun program
    /// "step": every worker in one srun step (all start together); "array": a job array of
    /// one-task jobs, so that workers start as nodes free up (with min_workers, the program
    /// starts with the first ones).
    std::string mode = "step";
};

std::string encode_slurm_settings(const slurm_settings& s);
slurm_settings decode_slurm_settings(const std::string& text);
/// Reads a cluster file's `slurm` section into `s` (reporting mistakes through `r`).
void read_slurm_section(const config_reader& r, const config_node& n, slurm_settings& s);

/// The settings as Slurm options ("--partition=debug", "--cpus-per-task=4", ..., then
/// `extra`), spelt as srun and sbatch both take them (on the command line, or after
/// "#SBATCH"). Partition, time and account only with `new_allocation`: inside one they are
/// the allocation's.
std::vector<std::string> slurm_options(const slurm_settings& s, bool new_allocation);

/// True inside a Slurm allocation (SLURM_JOB_ID is set).
bool inside_slurm_allocation();

/// True while job `id` is pending or running (squeue).
bool slurm_job_alive(const std::string& id);

class slurm_manager final : public cluster_manager {
public:
    explicit slurm_manager(slurm_settings settings = {});
    ~slurm_manager() override;
    std::string name() const override { return "slurm"; }
    /// SLURM_NTASKS inside an allocation; -1 on a login node (say how many).
    int planned_workers() override;
    /// The address of the default route: compute nodes must reach the master.
    std::string master_bind_hint() override;
    std::vector<std::unique_ptr<launched_worker>> launch(const launch_request& request) override;

    /// The srun command line (program and arguments) for `count` workers of `cmd`.
    std::vector<std::string> srun_command(int count, const launcher::worker_command& cmd) const;
    /// The sbatch arguments (after the program) for an array of `count` one-task jobs.
    std::vector<std::string> sbatch_array_arguments(int count) const;

private:
    std::vector<std::unique_ptr<launched_worker>> launch_array(const launch_request& request);

    slurm_settings settings_;
};

} // namespace dc::managers
