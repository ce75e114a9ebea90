// Batch schedulers at scale (label `scale`), on the scale Slurm bed (four nodes of 128 CPUs,
// tests/testbeds/slurm-scale-up.sh): 512 workers in one srun step from a login node, the same
// through `dcrun submit`, and 256 workers as one PBS job array (Slurm's Torque qsub). Each runs
// everywhere, a pmap over every worker and a ring of worker-to-worker calls, and leaves nothing
// in the queue or the process table.

#include "process_helpers.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

namespace fs = std::filesystem;

namespace {

const std::map<std::string, std::string> scale_slurm{
    {"SLURM_CONF", std::string(SLURM_SCALE_TESTBED_DIR) + "/slurm.conf"}};

/// The line test_app's scale mode prints for n workers on `places` nodes.
std::string scale_line(int n, int places) {
    const long items = 4L * n;
    return "workers " + std::to_string(n) + " everywhere done pmap sum " +
           std::to_string(items * (items + 1)) + " ring " + std::to_string(n) + " places " +
           std::to_string(places) + "\n";
}

/// Processes whose program is test_app.
int test_apps_running() {
    int n = 0;
    for (const auto& entry : fs::directory_iterator("/proc")) {
        std::ifstream cmdline(entry.path() / "cmdline");
        std::string program;
        if (std::getline(cmdline, program, '\0') && program == TEST_APP_PATH) ++n;
    }
    return n;
}

/// True once the queue is empty and no test_app runs (waits up to 20 s).
bool nothing_left() {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
        const auto queue = run_command({"/usr/bin/squeue", "-h"}, scale_slurm);
        if (queue.code == 0 && queue.out.empty() && test_apps_running() == 0) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return false;
}

struct temp_dir {
    fs::path path = fs::temp_directory_path() / ("dc_batch_scale_" + std::to_string(::getpid()));
    temp_dir() { fs::create_directories(path); }
    ~temp_dir() { fs::remove_all(path); }
};

run_result dcrun_in(const fs::path& dir, std::vector<std::string> args) {
    args.insert(args.begin(), {"/usr/bin/env", "-C", dir.string(), DCRUN_PATH});
    return run_command(args, scale_slurm, 400);
}

} // namespace

TEST(slurm_scale, five_hundred_twelve_workers_in_one_step_from_a_login_node) {
    temp_dir dir;
    auto r = dcrun_in(
        dir.path, {"--manager", "slurm", "-n", "512", "--timeout", "300", TEST_APP_PATH, "scale"});
    ASSERT_EQ(r.code, 0) << r.err.substr(0, 3000);
    EXPECT_NE(r.out.find(scale_line(512, 4)), std::string::npos) << r.out.substr(0, 2000);
    EXPECT_TRUE(nothing_left());
}

TEST(slurm_scale, five_hundred_twelve_workers_through_dcrun_submit) {
    temp_dir dir;
    auto r = dcrun_in(
        dir.path, {"submit", "-n", "512", "--wait", "--timeout", "300", TEST_APP_PATH, "scale"});
    ASSERT_EQ(r.code, 0) << r.err.substr(0, 3000) << r.out.substr(0, 3000);
    EXPECT_NE(r.out.find(scale_line(512, 4)), std::string::npos) << r.out.substr(0, 2000);
    EXPECT_TRUE(nothing_left());
}

TEST(pbs_scale, a_job_array_of_two_hundred_fifty_six_workers) {
    temp_dir dir;
    auto r = dcrun_in(
        dir.path, {"--manager", "pbs", "-n", "256", "--timeout", "300", TEST_APP_PATH, "scale"});
    ASSERT_EQ(r.code, 0) << r.err.substr(0, 3000);
    // One CPU per element: the scheduler packs them onto the first nodes.
    EXPECT_NE(r.out.find(scale_line(256, 2)), std::string::npos) << r.out.substr(0, 2000);
    EXPECT_TRUE(nothing_left());
}
