// The slurm manager against the real two-node test Slurm (tests/testbeds/slurm-up.sh).

#include "process_helpers.hpp"

#include <gtest/gtest.h>

#include <boost/process.hpp>

#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <thread>

namespace {

namespace fs = std::filesystem;

const std::map<std::string, std::string> slurm_env{
    {"SLURM_CONF", std::string(SLURM_TESTBED_DIR) + "/slurm.conf"}};

run_result dcrun(std::vector<std::string> args) {
    args.insert(args.begin(), DCRUN_PATH);
    return run_command(args, slurm_env);
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

/// The jobs Slurm still knows (pending or running), one "id name state" a line.
std::string queue() {
    return run_command({"/usr/bin/squeue", "-h", "-o", "%i %j %T"}, slurm_env).out;
}

/// True once no job named `name` is left, or no job at all for "" (waits up to 15 s).
bool queue_drained(const std::string& name = "dcrun-workers") {
    for (int i = 0; i < 150; ++i) {
        const auto jobs = queue();
        if (name.empty() ? jobs.empty() : !contains(jobs, name)) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
}

} // namespace

TEST(slurm, from_a_login_node_workers_get_their_own_allocation_on_both_nodes) {
    auto r = dcrun({"--manager", "slurm", "-n", "4", "--nodes", "2", "--partition", "debug",
                    "--time", "00:05:00", TEST_APP_PATH, "where"});
    ASSERT_EQ(r.code, 0) << r.err << r.out;
    EXPECT_TRUE(contains(r.out, "nprocs 5")) << r.out;
    EXPECT_FALSE(lines_with(r.out, " at node n1 ").empty()) << r.out;
    EXPECT_FALSE(lines_with(r.out, " at node n2 ").empty()) << r.out;
    EXPECT_TRUE(contains(r.out, "worker 5 reached worker 2")) << r.out;
    EXPECT_TRUE(queue_drained()) << queue();
}

TEST(slurm, output_is_multiplexed_through_srun_by_worker) {
    auto r = dcrun({"--manager", "slurm", "-n", "2", TEST_APP_PATH, "print"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(contains(r.out, "      From worker 2:\tline from 2\n")) << r.out;
    EXPECT_TRUE(contains(r.out, "      From worker 3:\tline from 3\n")) << r.out;
    EXPECT_TRUE(contains(r.out, "      From worker 2:\terror line from 2\n")) << r.out;
    EXPECT_TRUE(queue_drained()) << queue();
}

TEST(slurm, inside_an_allocation_one_step_starts_slurm_ntasks_workers) {
    auto r = run_command({"/usr/bin/salloc", "-n", "3", "-N", "2", DCRUN_PATH, "--manager", "slurm",
                          TEST_APP_PATH, "where"},
                         slurm_env);
    ASSERT_EQ(r.code, 0) << r.err << r.out;
    EXPECT_TRUE(contains(r.out, "nprocs 4")) << r.out;
    EXPECT_FALSE(lines_with(r.out, " at node n1 ").empty()) << r.out;
    EXPECT_FALSE(lines_with(r.out, " at node n2 ").empty()) << r.out;
    EXPECT_TRUE(queue_drained("")) << queue(); // the allocation ended with the program
}

TEST(slurm, a_cluster_file_gives_the_slurm_options) {
    const auto file = fs::temp_directory_path() / ("slurm_" + std::to_string(::getpid()) + ".toml");
    std::ofstream(file) << "manager = \"slurm\"\nworkers = 2\n[slurm]\npartition = \"debug\"\n"
                           "time = \"00:05:00\"\nnodes = 2\nntasks_per_node = 1\n";
    auto r = dcrun({"--config", file.string(), "--log-level", "debug", TEST_APP_PATH, "where"});
    ASSERT_EQ(r.code, 0) << r.err << r.out;
    EXPECT_TRUE(contains(r.err, "--partition=debug --time=00:05:00 --nodes=2 --ntasks-per-node=1"))
        << r.err;
    EXPECT_EQ(lines_with(r.out, " at node n1 ").size(), 1u) << r.out;
    EXPECT_EQ(lines_with(r.out, " at node n2 ").size(), 1u) << r.out;
    fs::remove(file);
}

TEST(slurm, a_launch_failure_names_the_job_task_and_node_and_cancels_the_job) {
    auto r =
        dcrun({"--manager", "slurm", "-n", "2", "--exename", "/bin/false", TEST_APP_PATH, "where"});
    EXPECT_EQ(r.code, 3) << r.err;
    // Both tasks fail alike: one group (or one failure, if the other was still starting).
    EXPECT_TRUE(contains(r.err, "slurm manager: ")) << r.err;
    EXPECT_TRUE(contains(r.err, "worker 2 on n") || contains(r.err, "worker 3 on n")) << r.err;
    EXPECT_TRUE(contains(r.err, "(job ")) << r.err;
    EXPECT_TRUE(contains(r.err, ", task 0)")) << r.err;
    EXPECT_TRUE(contains(r.err, "exited with code 1 before connecting")) << r.err;
    EXPECT_FALSE(contains(r.out, "nprocs")) << r.out;
    EXPECT_TRUE(queue_drained()) << queue();

    auto bad = dcrun({"--manager", "slurm", "-n", "2", "--partition", "nope", TEST_APP_PATH});
    EXPECT_EQ(bad.code, 3) << bad.err;
    EXPECT_TRUE(contains(bad.err, "Invalid partition name specified")) << bad.err;

    auto none = dcrun({"--manager", "slurm", TEST_APP_PATH}); // no -n on a login node
    EXPECT_EQ(none.code, 2) << none.err;
    EXPECT_TRUE(contains(none.err, "give -n N")) << none.err;
}

TEST(slurm, array_mode_starts_each_worker_as_a_job_of_its_own) {
    auto r =
        dcrun({"--manager", "slurm", "--slurm-mode", "array", "-n", "3", TEST_APP_PATH, "where"});
    ASSERT_EQ(r.code, 0) << r.err << r.out;
    EXPECT_NE(r.out.find("nprocs 4"), std::string::npos) << r.out;
    EXPECT_EQ(lines_with(r.out, " at node n").size(), 3u) << r.out;
    EXPECT_NE(r.out.find("worker 4 reached worker 2"), std::string::npos) << r.out;
    EXPECT_TRUE(queue_drained("")) << queue();
}

// Room for only some workers: the program starts with two (--min-workers), and the two array
// jobs queued behind a blocker start when it ends and join the running pmap.
TEST(slurm, array_workers_queued_behind_a_blocker_join_a_running_pmap) {
    const std::string blocker_id = start_blocker_job(6, 4, slurm_env);
    ASSERT_FALSE(blocker_id.empty()) << "sbatch refused the blocker job";
    auto r = dcrun({"--manager", "slurm", "--slurm-mode", "array", "-n", "4", "--min-workers", "2",
                    TEST_APP_PATH, "late", "4", "30", "150"});
    run_command({"/usr/bin/scancel", blocker_id}, slurm_env);
    ASSERT_EQ(r.code, 0) << r.err << r.out;
    EXPECT_NE(r.out.find("at start 2\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("pmap ran on 4 workers; 4 joined; nworkers 4\n"), std::string::npos)
        << r.out;
    EXPECT_TRUE(queue_drained("")) << queue();
}

// On a terminal, the progress line counts the worker jobs waiting in the queue, with the job
// that holds them, while a blocker fills the cluster.
TEST(slurm, the_progress_line_shows_queued_workers_and_their_job) {
    const std::string blocker_id = start_blocker_job(8, 3, slurm_env);
    ASSERT_FALSE(blocker_id.empty()) << "sbatch refused the blocker job";
    const std::string command = "SLURM_CONF=" + slurm_env.at("SLURM_CONF") + " " + DCRUN_PATH +
                                " --manager slurm --slurm-mode array -n 2 " + TEST_APP_PATH +
                                " report";
    auto r = run_command({"/usr/bin/script", "-qec", command, "/dev/null"});
    run_command({"/usr/bin/scancel", blocker_id}, slurm_env);
    ASSERT_EQ(r.code, 0) << r.out;
    EXPECT_TRUE(contains(r.out, "workers 0/2 connected \u00b7 2 queued (job ")) << r.out;
    EXPECT_TRUE(contains(r.out, "nprocs 3")) << r.out;
    EXPECT_TRUE(queue_drained("")) << queue();
}

// The start-up timeout counts from when the job runs: a job that waits in the queue longer
// than the timeout still starts (the blocker is cancelled only after the timeout has passed).
TEST(slurm, the_timeout_counts_from_when_the_job_starts_not_queue_time) {
    const std::string blocker_id = start_blocker_job(8, 60, slurm_env);
    ASSERT_FALSE(blocker_id.empty()) << "sbatch refused the blocker job";
    namespace bp = boost::process;
    const auto out = fs::temp_directory_path() / ("slurm_queued_" + std::to_string(::getpid()));
    bp::environment e = boost::this_process::environment();
    e["SLURM_CONF"] = slurm_env.at("SLURM_CONF");
    bp::child run(
        bp::exe = DCRUN_PATH,
        bp::args = {"--manager", "slurm", "-n", "2", "--timeout", "2", TEST_APP_PATH, "report"}, e,
        bp::std_out > out.string(), bp::std_err > out.string() + ".err");
    bool pending = false;
    for (int i = 0; i < 100 && !pending; ++i) {
        pending = contains(queue(), "dcrun-workers PENDING");
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_TRUE(pending) << queue();
    std::this_thread::sleep_for(std::chrono::seconds(4)); // twice the timeout, in the queue
    run_command({"/usr/bin/scancel", blocker_id}, slurm_env);
    run.wait();
    EXPECT_EQ(run.exit_code(), 0) << "dcrun gave up while its job was queued";
    std::ifstream in(out);
    std::string text((std::istreambuf_iterator<char>(in)), {});
    EXPECT_TRUE(contains(text, "nprocs 3")) << text;
    EXPECT_TRUE(queue_drained()) << queue();
    fs::remove(out);
    fs::remove(out.string() + ".err");
}

// The timeline of a run on the test Slurm names its launch steps (the sbatch line, the job id)
// and has a track for each worker with the calls it ran.
TEST(slurm, a_traced_array_run_shows_its_launch_steps_and_each_workers_calls) {
    const auto path = fs::temp_directory_path() / ("slurm_trace_" + std::to_string(::getpid()));
    auto r = dcrun({"--manager", "slurm", "--slurm-mode", "array", "-n", "2", "--trace",
                    path.string(), TEST_APP_PATH, "where"});
    std::ifstream in(path);
    const std::string text((std::istreambuf_iterator<char>(in)), {});
    fs::remove(path);
    ASSERT_EQ(r.code, 0) << r.err << r.out;
    EXPECT_TRUE(contains(text, "\"name\":\"slurm manager: submitted job array ")) << text;
    EXPECT_TRUE(contains(text, "--array=0-1")) << "the sbatch line";
    for (const char* worker : {"worker 2", "worker 3"}) {
        EXPECT_TRUE(contains(text, std::string("\"name\":\"") + worker + " connected\""));
        EXPECT_TRUE(contains(text, std::string("{\"name\":\"") + worker + " on ")) << worker;
    }
    EXPECT_TRUE(contains(text, "\"pid\":2,\"tid\":")) << "no event from worker 2";
    EXPECT_TRUE(contains(text, "\"lost_tails\":[]")) << text.substr(0, 400);
}

// A pmap that outlasts its workers' one-minute jobs: each drains 30 s before its job ends (it
// takes no new item, finishes its own and leaves) and a new array job replaces it; no item
// fails (the pmap has no retries) and the jobs, replacements included, leave the queue.
TEST(slurm, a_pmap_longer_than_the_walltime_completes_through_drain_and_replacement) {
    auto r = dcrun({"--manager", "slurm", "--slurm-mode", "array", "-n", "2", "--time", "00:01:00",
                    "--drain-before", "30", "--replace-workers", "--log-level", "info",
                    TEST_APP_PATH, "walltime", "130", "1000"});
    ASSERT_EQ(r.code, 0) << r.err << r.out;
    EXPECT_TRUE(contains(r.out, "pmap done: 130 items, 0 wrong")) << r.out;
    for (const std::string first : {"worker 2 on ", "worker 3 on "}) { // each array element
        bool drained = false;
        for (const auto& line : lines_with(r.err, first))
            drained = drained || line.find(" drains: its job ends in ") != std::string::npos;
        EXPECT_TRUE(drained) << first << "did not drain:\n" << r.err;
    }
    EXPECT_GE(lines_with(r.err, " drains: its job ends in ").size(), 2U) << r.err;
    EXPECT_GE(lines_with(r.err, ": starting 1 worker with the slurm manager").size(), 2U) << r.err;
    EXPECT_TRUE(lines_with(r.err, "calls still running on it fail").empty()) << r.err;
    EXPECT_TRUE(queue_drained("")) << queue();
}

// --adapt 1:6: the pmap's waiting batches bring more array jobs (squeue counts them), and once
// the work is done the idle ones are released down to one, then none is left.
TEST(slurm, adapt_grows_and_shrinks_the_worker_jobs_in_the_queue) {
    const std::string count = "squeue -h -n dcrun-workers -t PD,R -o %i | wc -l";
    auto r =
        dcrun({"--manager", "slurm", "--slurm-mode", "array", "--adapt", "1:6", "--idle-timeout",
               "5", "--log-level", "info", TEST_APP_PATH, "adapt", "60", "500", "1", count});
    ASSERT_EQ(r.code, 0) << r.err << r.out;
    EXPECT_TRUE(contains(r.out, "at start 1\n")) << r.out;
    const auto peak = lines_with(r.out, "queue at peak ");
    ASSERT_EQ(peak.size(), 1U) << r.out;
    const int jobs = std::stoi(peak[0].substr(peak[0].rfind(' ') + 1));
    EXPECT_GE(jobs, 3) << r.out << r.err;
    EXPECT_LE(jobs, 6) << r.out;
    EXPECT_TRUE(contains(r.out, "shrunk to 1\n")) << r.out;
    EXPECT_TRUE(contains(r.out, "queue after shrink 1\n")) << r.out << queue();
    EXPECT_FALSE(lines_with(r.err, "with the slurm manager").empty()) << r.err;
    EXPECT_FALSE(lines_with(r.err, "is released: idle for 5 s").empty()) << r.err;
    EXPECT_TRUE(queue_drained("")) << queue();
}

namespace {
class slurm_stop : public ::testing::TestWithParam<std::string> {};
} // namespace

// Workers end and the job is gone: SIGKILL of the master, SIGINT or SIGTERM to dcrun.
TEST_P(slurm_stop, no_worker_or_job_outlives_the_run) {
    const auto out =
        fs::temp_directory_path() / ("slurm_stop_" + GetParam() + "_" + std::to_string(::getpid()));
    ::setenv("SLURM_CONF", slurm_env.at("SLURM_CONF").c_str(), 1);
    auto c = start_cluster({"--manager", "slurm", "-n", "3", "--nodes", "2", TEST_APP_PATH, "pids"},
                           out, 3);
    ASSERT_GT(c.master, 0);
    ASSERT_EQ(c.workers.size(), 3u);
    EXPECT_TRUE(contains(queue(), "dcrun-workers RUNNING")) << queue();
    EXPECT_TRUE(stop_and_all_gone(c, GetParam())) << "a process outlived the run";
    EXPECT_TRUE(queue_drained()) << queue();
    c.dcrun.wait();
    fs::remove(out);
}

INSTANTIATE_TEST_SUITE_P(signals, slurm_stop,
                         ::testing::Values("kill_master", "sigint", "sigterm"));
