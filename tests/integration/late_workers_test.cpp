// Workers that join as they start (--min-workers): the program starts once K workers are up,
// the others join a pmap already running, and one that fails late is left out with a warning.

#include "process_helpers.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {

/// A worker program that starts test_app at once for workers 2 and 3, after 1.5 s for the
/// others, and exits with 3 instead for worker `failing` (0: none).
fs::path slow_starter(int failing) {
    const auto path =
        fs::temp_directory_path() / ("slow_start_" + std::to_string(::getpid()) + ".sh");
    std::ofstream(path) << "#!/bin/sh\n"
                        << "if [ \"$DC_ID\" -gt 3 ]; then sleep 1.5; fi\n"
                        << "if [ \"$DC_ID\" = " << failing << " ]; then exit 3; fi\n"
                        << "exec " << TEST_APP_PATH << " \"$@\"\n";
    ::chmod(path.c_str(), 0755);
    return path;
}

} // namespace

TEST(late_workers, the_program_starts_with_k_and_the_others_join_a_running_pmap) {
    const auto starter = slow_starter(0);
    auto r = run_command({DCRUN_PATH, "-p", "4", "--min-workers", "2", "--exename",
                          starter.string(), TEST_APP_PATH, "late", "4"});
    fs::remove(starter);
    ASSERT_EQ(r.code, 0) << r.err << r.out;
    EXPECT_NE(r.out.find("at start 2\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("pmap ran on 4 workers; 4 joined; nworkers 4\n"), std::string::npos)
        << r.out;
}

TEST(late_workers, one_that_fails_late_is_left_out_with_a_warning) {
    const auto starter = slow_starter(5);
    auto r = run_command({DCRUN_PATH, "-p", "4", "--min-workers", "2", "--exename",
                          starter.string(), TEST_APP_PATH, "late", "4", "4"});
    fs::remove(starter);
    ASSERT_EQ(r.code, 0) << r.err << r.out;
    EXPECT_NE(r.out.find("4 did not join; nworkers 3\n"), std::string::npos) << r.out;
    EXPECT_NE(r.err.find("worker 5"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("exited with code 3 before connecting"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("the cluster goes on without it"), std::string::npos) << r.err;
}

TEST(late_workers, min_workers_must_be_positive) {
    auto r = run_command({DCRUN_PATH, "-p", "2", "--min-workers", "0", TEST_APP_PATH, "report"});
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_NE(r.err.find("--min-workers"), std::string::npos) << r.err;
}

namespace {

/// Runs `command` (a shell line) on a pseudo-terminal (util-linux `script`), as a user would
/// at a prompt: stderr is then a terminal.
run_result on_a_terminal(const std::string& command) {
    return run_command({"/usr/bin/script", "-qec", command, "/dev/null"});
}

/// dcrun with four workers, two of them 1.5 s late (`starter`).
std::string slow_start_command(const fs::path& starter, const std::string& flags) {
    return std::string(DCRUN_PATH) + " -p 4 " + flags + " --exename " + starter.string() + " " +
           TEST_APP_PATH + " report";
}

} // namespace

TEST(launch_progress, a_terminal_sees_one_line_updated_in_place_then_cleared) {
    const auto starter = slow_starter(0);
    auto r = on_a_terminal(slow_start_command(starter, ""));
    fs::remove(starter);
    ASSERT_EQ(r.code, 0) << r.out;
    EXPECT_NE(r.out.find("\r\033[Kworkers 2/4 connected \u00b7 "), std::string::npos) << r.out;
    const auto last = r.out.rfind("\r\033[K");
    ASSERT_NE(last, std::string::npos);
    EXPECT_EQ(r.out.compare(last + 4, 7, "main co"), 0) << "the line was not cleared: " << r.out;
}

TEST(launch_progress, quiet_or_not_a_terminal_shows_nothing) {
    const auto starter = slow_starter(0);
    auto quiet = on_a_terminal(slow_start_command(starter, "--quiet"));
    auto piped = run_command(
        {DCRUN_PATH, "-p", "4", "--exename", starter.string(), TEST_APP_PATH, "report"});
    fs::remove(starter);
    ASSERT_EQ(quiet.code, 0) << quiet.out;
    EXPECT_EQ(quiet.out.find("connected"), std::string::npos) << quiet.out;
    ASSERT_EQ(piped.code, 0) << piped.err;
    EXPECT_EQ(piped.err.find("connected"), std::string::npos) << piped.err;
}
