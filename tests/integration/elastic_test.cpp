// Workers that leave and come while a program runs, with local workers standing in for batch
// jobs (the Slurm tests run the same against the test Slurm): a worker told that its job ends
// soon (DC_JOB_END, which the batch job scripts set) drains and is replaced while a pmap runs;
// --adapt grows the cluster while pool work waits and releases idle workers.

#include "process_helpers.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>

namespace {

long long unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

} // namespace

TEST(elastic, workers_drain_before_their_job_ends_and_are_replaced_while_a_pmap_runs) {
    // The jobs "end" in 30 s; with --drain-before 27 the workers leave about 3 s in, while the
    // 40 items of 250 ms (5 s on two workers) still run. Their replacements inherit the same end,
    // too close to drain, so they are used until the end.
    const std::string job_end = "DC_JOB_END=" + std::to_string(unix_now() + 30);
    auto r = run_command({DCRUN_PATH, "-p", "2", "--env", job_end, "--drain-before", "27",
                          "--replace-workers", "--log-level", "info", TEST_APP_PATH, "walltime",
                          "40", "250"});
    ASSERT_EQ(r.code, 0) << r.err << r.out;
    EXPECT_NE(r.out.find("pmap done: 40 items, 0 wrong"), std::string::npos) << r.out;
    for (const std::string worker : {"worker 2 ", "worker 3 "}) {
        const auto lines = lines_with(r.err, worker);
        const auto has = [&](const std::string& text) {
            return std::any_of(lines.begin(), lines.end(), [&](const std::string& line) {
                return line.find(text) != std::string::npos;
            });
        };
        EXPECT_TRUE(has(" drains: its job ends in ")) << r.err;
        EXPECT_TRUE(has(" leaves: its job ends in ")) << r.err;
    }
    EXPECT_EQ(lines_with(r.err, ": starting 1 worker with the local manager").size(), 2U) << r.err;
    EXPECT_NE(r.err.find("sooner than the drain time"), std::string::npos) << r.err;
    EXPECT_EQ(r.out.find("ran on 2 processes"), std::string::npos) << r.out; // replacements ran
}

TEST(elastic, a_worker_without_a_job_end_is_never_drained) {
    auto r = run_command({DCRUN_PATH, "-p", "2", "--drain-before", "27", "--replace-workers",
                          "--log-level", "info", TEST_APP_PATH, "walltime", "8", "50"});
    ASSERT_EQ(r.code, 0) << r.err << r.out;
    EXPECT_NE(r.out.find("pmap done: 8 items, 0 wrong, ran on 2 processes"), std::string::npos)
        << r.out;
    EXPECT_EQ(r.err.find("drains"), std::string::npos) << r.err;
}

TEST(elastic, adapt_grows_while_pool_work_waits_and_releases_idle_workers) {
    auto r = run_command({DCRUN_PATH, "-p", "1", "--adapt", "1:4", "--idle-timeout", "2",
                          "--log-level", "info", TEST_APP_PATH, "adapt", "80", "100", "1"});
    ASSERT_EQ(r.code, 0) << r.err << r.out;
    EXPECT_NE(r.out.find("at start 1\n"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("pmap ran on 1 workers"), std::string::npos) << r.out; // it grew
    EXPECT_NE(r.err.find("pool batches wait for a worker"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("with the local manager"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("is released: idle for 2 s"), std::string::npos) << r.err;
    EXPECT_NE(r.out.find("shrunk to 1\n"), std::string::npos) << r.out;
    EXPECT_EQ(r.err.find("starting 4 workers"), std::string::npos) << r.err; // never above 4
}

TEST(elastic, adapt_needs_min_at_most_max) {
    auto r = run_command({DCRUN_PATH, "--adapt", "3:1", TEST_APP_PATH, "report"});
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_NE(r.err.find("--adapt"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("MIN:MAX"), std::string::npos) << r.err;
}
