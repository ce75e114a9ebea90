// What the batch managers hand to Slurm and PBS: options, job scripts, and what they read back
// from qstat. The scripts are pinned by golden files (tests/golden).

#include <dc/managers/master_job.hpp>

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace {

using namespace dc::managers;

std::string golden(const std::string& name) {
    std::ifstream in(std::string(GOLDEN_DIR) + "/" + name);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

slurm_settings full_slurm() {
    slurm_settings s;
    s.partition = "debug";
    s.time = "00:10:00";
    s.account = "proj";
    s.nodes = 2;
    s.ntasks_per_node = 4;
    s.cpus_per_task = 3;
    s.extra = {"--qos=low"};
    return s;
}

master_job job() {
    master_job j;
    j.app = "app";
    j.workers = 8;
    j.command = "'/opt/dc/bin/dcrun' '-n' '8' '/home/alice/app' 'it'\\''s'";
    j.cwd = "/home/alice/run 1";
    j.tag = "0f1e";
    return j;
}

} // namespace

TEST(slurm_options, a_new_allocation_gets_partition_time_and_account_and_a_step_does_not) {
    const std::vector<std::string> all{
        "--partition=debug",   "--time=00:10:00",   "--account=proj", "--nodes=2",
        "--ntasks-per-node=4", "--cpus-per-task=3", "--qos=low"};
    EXPECT_EQ(slurm_options(full_slurm(), true), all);
    const std::vector<std::string> step(all.begin() + 3, all.end());
    EXPECT_EQ(slurm_options(full_slurm(), false), step);
    EXPECT_TRUE(slurm_options(slurm_settings{}, true).empty());
}

TEST(slurm_manager, array_mode_submits_one_task_jobs_without_the_step_layout) {
    slurm_manager m(full_slurm());
    const auto a = m.sbatch_array_arguments(3);
    const auto has = [&](const std::string& w) {
        return std::find(a.begin(), a.end(), w) != a.end();
    };
    EXPECT_TRUE(has("--array=0-2"));
    EXPECT_TRUE(has("--ntasks=1"));
    EXPECT_TRUE(has("--parsable"));
    EXPECT_TRUE(has("--partition=debug") && has("--time=00:10:00") && has("--account=proj"));
    EXPECT_TRUE(has("--cpus-per-task=3") && has("--qos=low"));
    EXPECT_FALSE(has("--nodes=2")); // each element is one task: the step layout does not apply
    EXPECT_FALSE(has("--ntasks-per-node=4"));
}

TEST(slurm_manager, srun_runs_every_worker_as_one_labelled_step) {
    slurm_manager m(full_slurm());
    dc::launcher::worker_command cmd;
    cmd.exe = "/home/alice/app";
    cmd.args = {"x y"};
    cmd.dir = "/scratch";
    auto c = m.srun_command(4, cmd);
    ASSERT_GE(c.size(), 8U);
    EXPECT_EQ(c[0], "srun");
    EXPECT_NE(std::find(c.begin(), c.end(), "--label"), c.end());
    EXPECT_NE(std::find(c.begin(), c.end(), "--ntasks=4"), c.end());
    EXPECT_NE(std::find(c.begin(), c.end(), "--chdir=/scratch"), c.end());
    EXPECT_NE(std::find(c.begin(), c.end(), "--cpus-per-task=3"), c.end());
    EXPECT_EQ(c[c.size() - 2], "/home/alice/app");
    EXPECT_EQ(c.back(), "x y");
}

TEST(master_job, sbatch_script_runs_dcrun_in_the_allocation_and_records_its_status) {
    const auto f = slurm_master_job(full_slurm(), job());
    EXPECT_EQ(f.script, golden("sbatch_master.sh"));
    EXPECT_EQ(f.output, "/home/alice/run 1/dcrun-%j.out");
    EXPECT_EQ(f.status_file, "/home/alice/run 1/.dcrun/submit-0f1e.status");
}

TEST(master_job, qsub_script_asks_for_the_resources_of_either_dialect) {
    pbs_settings s;
    s.queue = "batch";
    s.walltime = "01:00:00";
    s.select = "2:ncpus=4";
    s.account = "proj";
    const auto torque = pbs_master_job(s, job());
    EXPECT_EQ(torque.script, golden("qsub_master_torque.sh"));
    EXPECT_EQ(torque.output, "/home/alice/run 1/dcrun-app-0f1e.out");
    s.dialect = "pbspro";
    const auto pro = pbs_master_job(s, job());
    EXPECT_NE(pro.script.find("#PBS -l select=2:ncpus=4\n"), std::string::npos) << pro.script;
    EXPECT_EQ(pro.script.find("nodes="), std::string::npos) << pro.script;
}

TEST(pbs_job_state, is_read_from_qstat_f_output) {
    EXPECT_EQ(pbs_job_state(golden("qstat_f_running.txt")), 'R');
    EXPECT_EQ(pbs_job_state("Job Id: 12.server\n    job_state = C\n"), 'C');
    EXPECT_EQ(pbs_job_state("qstat: Unknown Job Id 12.server\n"), '?');
    EXPECT_EQ(pbs_job_state("    job_state = "), '?');
    EXPECT_FALSE(pbs_job_over('R'));
    EXPECT_FALSE(pbs_job_over('Q'));
    for (char ended : {'C', 'E', 'F', '?'})
        EXPECT_TRUE(pbs_job_over(ended)) << ended;
}
