// The pbs manager (Slurm's Torque-compatible qsub/qstat/qdel) and `dcrun submit`, against the
// real two-node test Slurm (tests/testbeds/slurm-up.sh).

#include "process_helpers.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <thread>

namespace {

namespace fs = std::filesystem;

const std::map<std::string, std::string> slurm_env{
    {"SLURM_CONF", std::string(SLURM_TESTBED_DIR) + "/slurm.conf"}};

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

std::string queue() {
    return run_command({"/usr/bin/squeue", "-h", "-o", "%i %j %T"}, slurm_env).out;
}

bool queue_empty() {
    for (int i = 0; i < 150; ++i) {
        if (queue().empty()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
}

/// A fresh directory to run in (batch jobs write their output files there).
struct work_dir {
    fs::path path = fs::temp_directory_path() /
                    ("dcrun_batch_" + std::to_string(::getpid()) + "_" +
                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    work_dir() { fs::create_directories(path); }
    ~work_dir() { fs::remove_all(path); }
};

/// Runs dcrun with `args` inside `dir`.
run_result dcrun_in(const fs::path& dir, const std::vector<std::string>& args) {
    std::string line = "cd '" + dir.string() + "' && exec '" + DCRUN_PATH + "'";
    for (const auto& a : args)
        line += " '" + a + "'";
    return run_command({"/bin/sh", "-c", line}, slurm_env);
}

} // namespace

TEST(pbs, workers_run_as_a_torque_job_array_and_their_output_comes_back) {
    work_dir dir;
    auto r = dcrun_in(dir.path, {"--manager", "pbs", "-n", "3", TEST_APP_PATH, "where"});
    ASSERT_EQ(r.code, 0) << r.err << r.out;
    EXPECT_TRUE(contains(r.out, "nprocs 4")) << r.out;
    EXPECT_EQ(lines_with(r.out, " at node n").size(), 3u) << r.out;
    EXPECT_TRUE(contains(r.out, "worker 4 reached worker 2")) << r.out;
    auto print = dcrun_in(dir.path, {"--manager", "pbs", "-n", "2", TEST_APP_PATH, "print"});
    ASSERT_EQ(print.code, 0) << print.err;
    EXPECT_TRUE(contains(print.out, "      From worker 3:\tline from 3")) << print.out;
    EXPECT_TRUE(contains(print.out, "      From worker 2:\terror line from 2")) << print.out;
    EXPECT_TRUE(queue_empty()) << queue();
    // The cookie file and the job script went with the run.
    EXPECT_TRUE(!fs::exists(dir.path / ".dcrun") || fs::is_empty(dir.path / ".dcrun"));
}

// A cluster with room for only some workers: the program starts with them (--min-workers) and
// the others, queued behind a blocker job, start when it ends and join the running pmap.
TEST(pbs, workers_queued_behind_a_blocker_join_a_running_pmap) {
    const std::string blocker_id = start_blocker_job(6, 4, slurm_env);
    ASSERT_FALSE(blocker_id.empty()) << "sbatch refused the blocker job";
    work_dir dir; // 2 CPUs free: elements 0 and 1 start, 2 and 3 wait for the blocker
    auto r = dcrun_in(dir.path, {"--manager", "pbs", "-n", "4", "--min-workers", "2", TEST_APP_PATH,
                                 "late", "4", "30", "150"});
    run_command({"/usr/bin/scancel", blocker_id}, slurm_env);
    ASSERT_EQ(r.code, 0) << r.err << r.out;
    EXPECT_TRUE(contains(r.out, "at start 2\n")) << r.out;
    EXPECT_TRUE(contains(r.out, "pmap ran on 4 workers; 4 joined; nworkers 4\n")) << r.out;
    EXPECT_TRUE(queue_empty()) << queue();
}

// --adapt with PBS: each new worker is a small job of its own (qsub), released when idle.
TEST(pbs, adapt_submits_worker_jobs_while_work_waits_and_releases_idle_ones) {
    work_dir dir;
    const std::string count = "squeue -h -n dcrun-workers -t PD,R -o %i | wc -l";
    auto r = dcrun_in(dir.path, {"--manager", "pbs", "--adapt", "1:4", "--idle-timeout", "3",
                                 "--log-level", "info", TEST_APP_PATH, "adapt", "40", "500", "1",
                                 count});
    ASSERT_EQ(r.code, 0) << r.err << r.out;
    EXPECT_TRUE(contains(r.out, "at start 1\n")) << r.out;
    EXPECT_TRUE(lines_with(r.out, "pmap ran on 1 workers").empty()) << r.out << r.err;
    EXPECT_FALSE(lines_with(r.err, "with the pbs manager").empty()) << r.err;
    EXPECT_TRUE(contains(r.out, "shrunk to 1\n")) << r.out;
    EXPECT_TRUE(contains(r.out, "queue after shrink 1\n")) << r.out << queue();
    EXPECT_TRUE(queue_empty()) << queue();
}

TEST(pbs, a_launch_failure_names_the_job_and_index_and_qdel_cleans_up) {
    work_dir dir;
    auto r = dcrun_in(dir.path, {"--manager", "pbs", "-n", "2", "--exename", "/bin/false",
                                 TEST_APP_PATH, "where"});
    EXPECT_EQ(r.code, 3) << r.err;
    // Both elements fail alike: one group (or one failure, if the other was still starting).
    EXPECT_TRUE(contains(r.err, "pbs manager: ")) << r.err;
    EXPECT_TRUE(contains(r.err, " on a PBS node (job ")) << r.err;
    EXPECT_TRUE(contains(r.err, "array index 0) exited with code 1") ||
                contains(r.err, "array index 1) exited with code 1"))
        << r.err;
    EXPECT_TRUE(queue_empty()) << queue();
    auto refused =
        dcrun_in(dir.path, {"--manager", "pbs", "-n", "2", "--queue", "nope", TEST_APP_PATH});
    EXPECT_EQ(refused.code, 3) << refused.err;
    EXPECT_TRUE(contains(refused.err, "qsub refused the workers' job")) << refused.err;
}

TEST(pbs, sigterm_to_dcrun_ends_the_workers_and_the_job) {
    work_dir dir;
    ::setenv("SLURM_CONF", slurm_env.at("SLURM_CONF").c_str(), 1);
    fs::current_path(dir.path);
    auto c = start_cluster({"--manager", "pbs", "-n", "2", TEST_APP_PATH, "pids"},
                           dir.path / "out.txt", 2);
    ASSERT_EQ(c.workers.size(), 2u);
    EXPECT_TRUE(stop_and_all_gone(c, "sigterm")) << "a process outlived the run";
    EXPECT_TRUE(queue_empty()) << queue();
    c.dcrun.wait();
    fs::current_path(fs::temp_directory_path());
}

TEST(submit, print_script_shows_the_batch_script_and_submits_nothing) {
    work_dir dir;
    auto r = dcrun_in(dir.path, {"submit", "-n", "3", "--partition", "debug", "--time", "00:05:00",
                                 "--print-script", TEST_APP_PATH, "where"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(contains(r.out, "#SBATCH --ntasks=3\n")) << r.out;
    EXPECT_TRUE(contains(r.out, "#SBATCH --partition=debug\n")) << r.out;
    EXPECT_TRUE(contains(r.out, "#SBATCH --time=00:05:00\n")) << r.out;
    EXPECT_TRUE(contains(r.out, "'--manager' 'slurm' '-n' '3'")) << r.out;
    EXPECT_FALSE(contains(r.out, "--print-script")) << r.out;
    EXPECT_TRUE(queue().empty()) << queue();
    auto pbs = dcrun_in(dir.path, {"submit", "--manager", "pbs", "-n", "2", "--walltime",
                                   "00:10:00", "--print-script", TEST_APP_PATH});
    ASSERT_EQ(pbs.code, 0) << pbs.err;
    EXPECT_TRUE(contains(pbs.out, "#PBS -l walltime=00:10:00\n")) << pbs.out;
    auto bad = dcrun_in(dir.path, {"submit", "--print-script", TEST_APP_PATH});
    EXPECT_EQ(bad.code, 2);
    EXPECT_TRUE(contains(bad.err, "give -n N")) << bad.err;
}

TEST(submit, slurm_job_prints_its_id_and_wait_follows_it_to_the_exit_code) {
    work_dir dir;
    auto r =
        dcrun_in(dir.path, {"submit", "-n", "3", "--nodes", "2", "--wait", TEST_APP_PATH, "where"});
    ASSERT_EQ(r.code, 0) << r.err << r.out;
    const std::string id = r.out.substr(0, r.out.find('\n'));
    EXPECT_FALSE(id.empty());
    EXPECT_TRUE(contains(r.err, "submitted job " + id)) << r.err;
    EXPECT_TRUE(contains(r.out, "nprocs 4")) << r.out;
    EXPECT_FALSE(lines_with(r.out, " at node n2 ").empty()) << r.out;
    EXPECT_TRUE(fs::exists(dir.path / ("dcrun-" + id + ".out")));
    auto failing = dcrun_in(dir.path, {"submit", "-n", "1", "--wait", TEST_APP_PATH, "exit", "7"});
    EXPECT_EQ(failing.code, 7) << failing.err;
    EXPECT_TRUE(queue_empty()) << queue();
}

TEST(submit, without_wait_the_job_runs_on_after_dcrun_returns) {
    work_dir dir;
    auto r = dcrun_in(dir.path, {"submit", "-n", "2", TEST_APP_PATH, "report"});
    ASSERT_EQ(r.code, 0) << r.err;
    const std::string id = r.out.substr(0, r.out.find('\n'));
    EXPECT_TRUE(queue_empty()) << queue(); // the job finishes by itself
    std::ifstream in(dir.path / ("dcrun-" + id + ".out"));
    std::string text((std::istreambuf_iterator<char>(in)), {});
    EXPECT_TRUE(contains(text, "nprocs 3")) << text;
}

TEST(submit, a_pbs_job_runs_the_master_which_submits_its_workers) {
    work_dir dir;
    auto r = dcrun_in(dir.path,
                      {"submit", "--manager", "pbs", "-n", "2", "--wait", TEST_APP_PATH, "where"});
    ASSERT_EQ(r.code, 0) << r.err << r.out;
    EXPECT_TRUE(contains(r.out, "nprocs 3")) << r.out;
    EXPECT_TRUE(contains(r.out, "worker 3 reached worker 2")) << r.out;
    EXPECT_TRUE(queue_empty()) << queue();
}
