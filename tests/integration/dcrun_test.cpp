// dcrun end to end: flags, output forwarding, exit codes, clean-up.

#include "process_helpers.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <sstream>
#include <thread>

namespace {

run_result dcrun(std::vector<std::string> args, const std::map<std::string, std::string>& env = {}) {
    args.insert(args.begin(), DCRUN_PATH);
    return run_command(args, env);
}

} // namespace

TEST(dcrun, starts_the_program_as_process_1_with_n_workers) {
    auto r = dcrun({"-p", "3", TEST_APP_PATH, "report"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("nprocs 4"), std::string::npos) << r.out;
    EXPECT_EQ(lines_with(r.out, "worker ").size(), 3u) << r.out;
    // dc::init never returns in a worker: only the master continues into main.
    EXPECT_EQ(lines_with(r.out, "main continues").size(), 1u) << r.out;
    EXPECT_NE(r.out.find("main continues in process 1"), std::string::npos);
}

TEST(dcrun, auto_means_one_worker_per_cpu) {
    auto r = dcrun({"-p", "auto", TEST_APP_PATH, "report"});
    ASSERT_EQ(r.code, 0) << r.err;
    const auto cpus = std::max(1U, std::thread::hardware_concurrency());
    EXPECT_NE(r.out.find("nprocs " + std::to_string(cpus + 1)), std::string::npos) << r.out;
}

TEST(dcrun, the_program_works_alone_without_dcrun) {
    auto r = run_command({TEST_APP_PATH, "report"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("nprocs 1"), std::string::npos) << r.out;
}

TEST(dcrun, worker_flags_reach_the_workers) {
    const auto dir = std::filesystem::canonical(std::filesystem::temp_directory_path()).string();
    auto r = dcrun({"-p", "2", "--dir", dir, "--env", "DC_TEST_COLOUR=teal", "--exeflags",
                    "report 'two words'", "--timeout", "30", TEST_APP_PATH, "report"});
    ASSERT_EQ(r.code, 0) << r.err;
    auto reports = lines_with(r.out, "cwd=");
    ASSERT_EQ(reports.size(), 2u) << r.out;
    for (const auto& line : reports) {
        EXPECT_NE(line.find("cwd=" + dir + " "), std::string::npos) << line;
        EXPECT_NE(line.find("colour=teal"), std::string::npos) << line;
        EXPECT_NE(line.find("[report][two words]"), std::string::npos) << line;
    }
}

TEST(dcrun, exename_picks_the_worker_program_and_a_different_build_is_refused) {
    auto r = dcrun({"-p", "1", "--exename", OTHER_BUILD_PATH, TEST_APP_PATH, "report"});
    EXPECT_EQ(r.code, 3) << r.out;
    EXPECT_NE(r.err.find("runs a different build"), std::string::npos) << r.err;
}

TEST(dcrun, worker_output_is_forwarded_line_by_line) {
    auto r = dcrun({"-p", "2", TEST_APP_PATH, "print"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("line from 1\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("      From worker 2:\tline from 2\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("      From worker 3:\tline from 3\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("      From worker 2:\terror line from 2\n"), std::string::npos) << r.out;
}

TEST(dcrun, exit_code_is_the_masters) {
    EXPECT_EQ(dcrun({"-p", "1", TEST_APP_PATH, "exit", "7"}).code, 7);
    EXPECT_EQ(dcrun({"-p", "1", TEST_APP_PATH, "exit", "0"}).code, 0);
}

TEST(dcrun, bad_input_gets_a_clear_error_and_starts_nothing) {
    auto missing = dcrun({"-p", "2", "./no-such-program"});
    EXPECT_EQ(missing.code, 127);
    EXPECT_NE(missing.err.find("cannot run './no-such-program'"), std::string::npos) << missing.err;
    auto bad_p = dcrun({"-p", "many", TEST_APP_PATH});
    EXPECT_EQ(bad_p.code, 2);
    EXPECT_NE(bad_p.err.find("-p many"), std::string::npos) << bad_p.err;
    auto bad_env = dcrun({"-p", "1", "--env", "NOEQUALS", TEST_APP_PATH});
    EXPECT_EQ(bad_env.code, 2);
    EXPECT_NE(bad_env.err.find("KEY=VALUE"), std::string::npos) << bad_env.err;
    auto bad_level = dcrun({"-p", "1", "--log-level", "loud", TEST_APP_PATH});
    EXPECT_EQ(bad_level.code, 2);
    auto bad_flag = dcrun({"--no-such-flag", TEST_APP_PATH});
    EXPECT_EQ(bad_flag.code, 2);
    auto bad_bind = dcrun({"-p", "1", "--bind-to", "nosuchif0", TEST_APP_PATH});
    EXPECT_EQ(bad_bind.code, 2);
    EXPECT_NE(bad_bind.err.find("nosuchif0"), std::string::npos) << bad_bind.err;
    EXPECT_NE(bad_bind.err.find("lo 127.0.0.1"), std::string::npos) << bad_bind.err;
}

TEST(dcrun, bind_to_accepts_addresses_interfaces_and_blocks) {
    for (const char* spec : {"127.0.0.1", "lo", "127.0.0.0/8", "::1"}) {
        auto r = dcrun({"-p", "1", "--bind-to", spec, TEST_APP_PATH, "report"});
        EXPECT_EQ(r.code, 0) << spec << ": " << r.err;
    }
}

TEST(dcrun, log_level_debug_shows_the_launch_steps) {
    auto r = dcrun({"-p", "1", "--log-level", "debug", TEST_APP_PATH, "report"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.err.find("local manager: starting workers 2..2"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("workers 2..2 connected"), std::string::npos) << r.err;
}

TEST(dcrun, a_timeout_names_the_worker_and_its_last_output) {
    auto r = dcrun({"-p", "1", "--timeout", "1", "--exename", "/bin/sh", "--exeflags",
                    "-c 'echo still booting; exec sleep 60'", TEST_APP_PATH, "report"});
    EXPECT_EQ(r.code, 3);
    EXPECT_NE(r.err.find("worker 2"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("did not connect within 1 s"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("still booting"), std::string::npos) << r.err;
}

TEST(dcrun, workers_exit_when_the_master_is_killed) {
    const auto out = std::filesystem::temp_directory_path() /
                     ("dcrun_orphans_" + std::to_string(::getpid()));
    // Run in the background so the test can kill the master while it sleeps.
    const std::string cmd = std::string(DCRUN_PATH) + " -p 2 " + TEST_APP_PATH + " pids > " +
                            out.string() + " 2>&1 &";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    std::vector<int> workers;
    int master = 0;
    for (int i = 0; i < 600 && workers.size() < 2; ++i) { // wait for the pids to be printed
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        auto r = run_command({"/bin/cat", out.string()});
        workers.clear();
        std::istringstream in(r.out);
        for (std::string word; in >> word;) {
            int pid = 0;
            if ((word == "master" || word == "worker") && in >> pid) {
                (word == "master" ? master : workers.emplace_back()) = pid;
            }
        }
    }
    ASSERT_GT(master, 0);
    ASSERT_EQ(workers.size(), 2u);
    ::kill(master, SIGKILL);
    bool any_alive = true;
    for (int i = 0; i < 200 && any_alive; ++i) { // up to 10 s
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        any_alive = process_alive(workers[0]) || process_alive(workers[1]);
    }
    EXPECT_FALSE(any_alive) << "workers outlived their master";
    std::filesystem::remove(out);
}
