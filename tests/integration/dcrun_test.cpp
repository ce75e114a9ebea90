// dcrun end to end: flags, output forwarding, exit codes, clean-up.

#include "process_helpers.hpp"

#include <gtest/gtest.h>

#include <boost/process.hpp>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace {

run_result dcrun(std::vector<std::string> args,
                 const std::map<std::string, std::string>& env = {}) {
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

// exeflags is a list from the cluster file to the worker's argv: items with quotes or spaces
// arrive as they were written, and --exeflags values (split like a shell does) add to it.
TEST(dcrun, exeflags_items_with_quotes_reach_the_workers_whole) {
    const auto file = std::filesystem::temp_directory_path() /
                      ("dc_exeflags_" + std::to_string(::getpid()) + ".yaml");
    std::ofstream(file) << "exeflags: [report, \"it's\", 'say \"hi\" twice', '']\n";
    auto from_file = dcrun({"--config", file.string(), "-p", "1", TEST_APP_PATH, "report"});
    ASSERT_EQ(from_file.code, 0) << from_file.err;
    EXPECT_NE(from_file.out.find("[report][it's][say \"hi\" twice][]\n"), std::string::npos)
        << from_file.out;
    auto from_flags = dcrun({"-p", "1", "--exeflags", "report \"it's\"", "--exeflags", "'a \"b\"'",
                             TEST_APP_PATH, "report"});
    ASSERT_EQ(from_flags.code, 0) << from_flags.err;
    EXPECT_NE(from_flags.out.find("[report][it's][a \"b\"]\n"), std::string::npos)
        << from_flags.out;
    std::filesystem::remove(file);
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

TEST(dcrun, pmap_shows_progress_only_on_a_terminal) {
    auto plain = dcrun({"-p", "2", TEST_APP_PATH, "pmap_progress"});
    ASSERT_EQ(plain.code, 0) << plain.err;
    EXPECT_NE(plain.out.find("pmap sum 400"), std::string::npos);
    EXPECT_EQ(plain.err.find("pmap ["), std::string::npos) << plain.err;
    // `script` gives the program a terminal.
    const std::string cmd = std::string(DCRUN_PATH) + " -p 2 " + TEST_APP_PATH + " pmap_progress";
    auto tty = run_command({"/usr/bin/script", "-qec", cmd, "/dev/null"});
    ASSERT_EQ(tty.code, 0) << tty.out;
    EXPECT_NE(tty.out.find("pmap ["), std::string::npos) << tty.out;
    EXPECT_NE(tty.out.find("200/200"), std::string::npos) << tty.out;
    EXPECT_NE(tty.out.find("items/s"), std::string::npos) << tty.out;
}

TEST(dcrun, a_cluster_file_sets_the_workers_and_flags_override_it) {
    const auto file = std::filesystem::temp_directory_path() /
                      ("dc_cluster_" + std::to_string(::getpid()) + ".yaml");
    std::ofstream(file) << "workers: 3\nenv:\n  DC_TEST_COLOUR: amber\ntimeout: 30\n";
    auto r = dcrun({"--config", file.string(), TEST_APP_PATH, "report"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("nprocs 4"), std::string::npos) << r.out;
    EXPECT_EQ(lines_with(r.out, "colour=amber").size(), 3u) << r.out;
    auto flags = dcrun({"--config", file.string(), "-p", "1", "--env", "DC_TEST_COLOUR=teal",
                        TEST_APP_PATH, "report"});
    ASSERT_EQ(flags.code, 0) << flags.err;
    EXPECT_NE(flags.out.find("nprocs 2"), std::string::npos) << flags.out;
    EXPECT_EQ(lines_with(flags.out, "colour=teal").size(), 1u) << flags.out;
    auto toml = dcrun(
        {"--config", std::string(CONFIGS_DIR) + "/local.toml", "-p", "2", TEST_APP_PATH, "report"});
    EXPECT_EQ(toml.code, 0) << toml.err;
    std::filesystem::remove(file);
}

TEST(dcrun, a_malformed_cluster_file_starts_nothing) {
    const auto file = std::filesystem::temp_directory_path() /
                      ("dc_bad_cluster_" + std::to_string(::getpid()) + ".yaml");
    std::ofstream(file) << "workers: 2\nexename: ./app\ntopolgy: all_to_all\n";
    auto r = dcrun({"--config", file.string(), TEST_APP_PATH, "report"});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find(file.string() + ":3:1: unknown key 'topolgy'"), std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("did you mean 'topology'?"), std::string::npos) << r.err;
    EXPECT_EQ(r.out.find("main continues"), std::string::npos) << "the program was started";
    std::filesystem::remove(file);
}

TEST(dcrun, ssh_host_lists_are_checked_before_anything_starts) {
    auto bad = dcrun({"--hosts", "a,b:zero", TEST_APP_PATH, "report"});
    EXPECT_EQ(bad.code, 2);
    EXPECT_NE(bad.err.find("--hosts: 'b:zero'"), std::string::npos) << bad.err;
    const auto file =
        std::filesystem::temp_directory_path() / ("dc_machines_" + std::to_string(::getpid()));
    std::ofstream(file) << "node1\nx*node2\n";
    auto machines = dcrun({"--machine-file", file.string(), TEST_APP_PATH, "report"});
    EXPECT_EQ(machines.code, 2);
    EXPECT_NE(machines.err.find(file.string() + ":2:1:"), std::string::npos) << machines.err;
    EXPECT_EQ(machines.out.find("main continues"), std::string::npos);
    std::filesystem::remove(file);
}

TEST(dcrun, an_uncaught_remote_error_is_printed_with_the_workers_stack) {
    auto r = dcrun({"-p", "1", TEST_APP_PATH, "uncaught"});
    EXPECT_EQ(r.code, 128 + SIGABRT) << r.err;
    EXPECT_NE(r.err.find("ERROR: On worker 2: std::domain_error: x is 4 (in (anonymous "
                         "namespace)::throws_on_worker(int) on "),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("Stacktrace on worker 2"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("0# (anonymous namespace)::throws_on_worker(int)"), std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("test_app.cpp:"), std::string::npos) << r.err;
}

TEST(dcrun, one_ctrl_c_interrupts_the_running_calls_and_the_program_carries_on) {
    namespace bp = boost::process;
    const auto out =
        std::filesystem::temp_directory_path() / ("dcrun_ctrl_c_" + std::to_string(::getpid()));
    bp::child run(bp::exe = DCRUN_PATH, bp::args = {"-p", "1", TEST_APP_PATH, "ctrl_c"},
                  bp::std_out > out.string(), bp::std_err > bp::null);
    ASSERT_TRUE(wait_for_text(out, "waiting"));
    ::kill(run.id(), SIGINT);
    ASSERT_TRUE(wait_for_text(out, "usable 2")) << "the program did not carry on";
    run.wait();
    EXPECT_EQ(run.exit_code(), 0);
    std::ifstream in(out);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_NE(text.find("main interrupted: interrupted (Ctrl-C)"), std::string::npos) << text;
    EXPECT_NE(text.find("call ended with dc::interrupted_error"), std::string::npos) << text;
    std::filesystem::remove(out);
}

// Ctrl-C typed on a terminal reaches dcrun and the master at once (one foreground process
// group): it must count as one press, not two. `script` gives the run a terminal; the ^C byte
// written to it becomes SIGINT through the terminal's line discipline. `script` runs the command
// through $SHELL; `exec` takes that shell out of the foreground group (dash, unlike bash, dies
// of the SIGINT itself and `script` would report 130).
TEST(dcrun, one_ctrl_c_typed_on_a_terminal_counts_once) {
    namespace bp = boost::process;
    const auto out =
        std::filesystem::temp_directory_path() / ("dcrun_tty_ctrl_c_" + std::to_string(::getpid()));
    const std::string cmd =
        std::string("exec ") + DCRUN_PATH + " -p 1 " + TEST_APP_PATH + " ctrl_c";
    bp::opstream keys;
    bp::child run(bp::exe = "/usr/bin/script", bp::args = {"-qec", cmd, "/dev/null"},
                  bp::std_in<keys, bp::std_out> out.string(), bp::std_err > bp::null);
    ASSERT_TRUE(wait_for_text(out, "waiting"));
    keys << '\x03' << std::flush;
    ASSERT_TRUE(wait_for_text(out, "usable 2")) << "one Ctrl-C ended the run";
    keys.pipe().close();
    run.wait();
    EXPECT_EQ(run.exit_code(), 0);
    std::filesystem::remove(out);
}

// The ssh manager's libraries (libssh, OpenSSL, Kerberos) are in a module loaded only when an
// ssh manager is made: a run with local workers maps none of them, in any process.
TEST(dcrun, local_workers_do_not_load_the_ssh_managers_libraries) {
    auto r = dcrun({"-p", "2", TEST_APP_PATH, "libraries"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(lines_with(r.out, "maps none").size(), 3u) << r.out;
}

// A master raises its soft descriptor limit to the hard one (here 48 -> 512: 20 workers fit), and
// refuses before starting anything a launch that cannot fit even then (200 workers in 512).
TEST(dcrun, workers_that_need_more_descriptors_than_allowed_are_refused_before_starting) {
    auto fits = run_command(
        {"/usr/bin/prlimit", "--nofile=48:512", DCRUN_PATH, "-p", "20", TEST_APP_PATH, "report"});
    EXPECT_EQ(fits.code, 0) << fits.err;
    EXPECT_EQ(lines_with(fits.out, "cwd=").size(), 20u) << fits.out;
    auto too_many = run_command(
        {"/usr/bin/prlimit", "--nofile=48:512", DCRUN_PATH, "-p", "200", TEST_APP_PATH, "report"});
    EXPECT_EQ(too_many.code, 3) << too_many.err;
    EXPECT_NE(too_many.err.find("200 workers need about 864 file descriptors; the hard limit is "
                                "512; raise it with ulimit -n"),
              std::string::npos)
        << too_many.err;
    EXPECT_EQ(too_many.out.find("cwd="), std::string::npos) << "a worker was started";
}

// Many workers that fail alike are one group: a count, their ids, and the first one's output.
TEST(dcrun, workers_that_fail_alike_are_reported_once_with_their_count) {
    auto r = dcrun({"-p", "4", "--timeout", "1", "--exename", "/bin/sh", "--exeflags",
                    "-c 'echo started $DC_ID; exec sleep 30'", TEST_APP_PATH, "report"});
    EXPECT_EQ(r.code, 3) << r.err;
    EXPECT_NE(r.err.find("local manager: 4 of 4 workers did not start (1 cause):\n"
                         "  4 (2, 3, 4 and 5) did not connect within 1 s; the first: worker 2 on "),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("did not connect within 1 s; last output:\n    started 2"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(lines_with(r.err, "last output").size(), 1u) << r.err;
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

// What the master listens on (its debug log) is what --bind-to asked for, and TCP workers
// (DC_TRANSPORT=tcp) reach it there.
TEST(dcrun, bind_to_accepts_addresses_interfaces_and_blocks) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"127.0.0.1", "tcp:127.0.0.1:"},
        {"lo", "tcp:127.0.0.1:"},
        {"127.0.0.0/8", "tcp:127.0.0.1:"},
        {"::1", "tcp:[::1]:"}};
    for (const auto& [spec, listening] : cases) {
        auto r =
            dcrun({"-p", "1", "--bind-to", spec, "--log-level", "debug", TEST_APP_PATH, "report"},
                  {{"DC_TRANSPORT", "tcp"}});
        EXPECT_EQ(r.code, 0) << spec << ": " << r.err;
        const auto line = lines_with(r.err, "dc[1] debug: listening on");
        ASSERT_EQ(line.size(), 1u) << spec << ": " << r.err;
        EXPECT_NE(line[0].find(" and " + listening), std::string::npos) << spec << ": " << line[0];
        EXPECT_NE(r.out.find("worker 2 cwd="), std::string::npos) << spec << ": " << r.out;
    }
    auto wrong = dcrun({"-p", "1", "--bind-to", "no-such-interface0", TEST_APP_PATH, "report"});
    EXPECT_NE(wrong.code, 0);
    EXPECT_NE(wrong.err.find("no-such-interface0"), std::string::npos) << wrong.err;
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

namespace {

class dcrun_stop : public ::testing::TestWithParam<std::string> {};

} // namespace

// SIGKILL of the master (nothing can clean up), and SIGINT/SIGTERM sent to dcrun.
TEST_P(dcrun_stop, no_process_outlives_the_run) {
    const auto out = std::filesystem::temp_directory_path() /
                     ("dcrun_stop_" + GetParam() + "_" + std::to_string(::getpid()));
    auto c = start_cluster({"-p", "2", TEST_APP_PATH, "pids"}, out, 2);
    ASSERT_GT(c.master, 0);
    ASSERT_EQ(c.workers.size(), 2u);
    EXPECT_TRUE(stop_and_all_gone(c, GetParam())) << "a process outlived the run";
    c.dcrun.wait();
    if (GetParam() != "kill_master") {
        EXPECT_NE(c.dcrun.exit_code(), 0);
    }
    std::filesystem::remove(out);
}

INSTANTIATE_TEST_SUITE_P(signals, dcrun_stop,
                         ::testing::Values("kill_master", "sigint", "sigterm"));
