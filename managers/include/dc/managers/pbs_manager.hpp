#pragma once
// Workers as a PBS job array submitted with qsub: Torque (`-t`) or PBS Pro (`-J`) dialect. Each
// array element runs one worker; the cookie is in a 0600 file in a 0700 directory under the
// workers' directory (which the master and the nodes share), never in the job's environment
// or command line. Each worker's output goes to a file there that the master follows, so its
// lines arrive as "From worker N" while the job runs. qdel on failure and at exit.

#include <dc/managers/cluster_manager.hpp>
#include <dc/managers/config_section.hpp>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace dc::managers {

struct pbs_settings {
    std::string dialect = "torque"; ///< torque (qsub -t) | pbspro (qsub -J)
    std::string queue, walltime, select, account;
    std::vector<std::string> extra; ///< more qsub flags
    std::string qsub = "qsub", qstat = "qstat", qdel = "qdel";
};

std::string encode_pbs_settings(const pbs_settings& s);
pbs_settings decode_pbs_settings(const std::string& text);
/// Reads a cluster file's `pbs` section into `s` (reporting mistakes through `r`).
void read_pbs_section(const config_reader& r, const config_node& n, pbs_settings& s);

/// The resources a job asks for, as qsub flags with their values ({"-q", "batch"},
/// {"-l", "walltime=00:10:00"}, ...): on qsub's command line and as "#PBS" lines alike.
std::vector<std::pair<std::string, std::string>> pbs_resources(const pbs_settings& s);

/// The job's state letter in `qstat -f ID`'s output (Q, R, E, C, F, ...); '?' if none.
char pbs_job_state(const std::string& qstat_output);
/// True for a job that has left the queue or was not found ('C', 'E', 'F', '?').
bool pbs_job_over(char state);
/// Seconds of a PBS walltime ([[HH:]MM:]SS), or nothing when it is empty or malformed.
std::optional<long> walltime_seconds(const std::string& walltime);

class pbs_manager final : public cluster_manager {
public:
    explicit pbs_manager(pbs_settings settings = {});
    ~pbs_manager() override;
    std::string name() const override { return "pbs"; }
    /// The address of the default route: compute nodes must reach the master.
    std::string master_bind_hint() override;
    std::vector<std::unique_ptr<launched_worker>> launch(const launch_request& request) override;

    /// The job script for `count` workers with ids first_id.. (cookie file and log directory
    /// `run_dir`), and the qsub command line that submits it.
    std::string job_script(int first_id, int count, const launcher::worker_command& cmd,
                           const std::string& run_dir) const;
    std::vector<std::string> qsub_command(int count, const std::string& script_path) const;

private:
    pbs_settings settings_;
};

} // namespace dc::managers
