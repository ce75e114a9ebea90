// The ssh manager against real sshd servers (tests/testbeds/ssh-up.sh): host A on
// 127.0.0.1:PORT, hosts B (10.200.0.2:22) and C (10.200.0.3:22) in network namespaces.

#include "process_helpers.hpp"

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace {

namespace fs = std::filesystem;

const fs::path bed = SSH_TESTBED_DIR;

std::string port_a() {
    std::ifstream in(bed / "port");
    std::string port;
    in >> port;
    return port;
}

std::string host_a() {
    return "root@127.0.0.1:" + port_a();
}

const std::string host_b = "10.200.0.2";

std::vector<std::string> key_flags() {
    return {"--ssh-identity", (bed / "id_ed25519").string(), "--ssh-known-hosts",
            (bed / "known_hosts").string()};
}

run_result dcrun(std::vector<std::string> args) {
    auto keys = key_flags();
    args.insert(args.begin(), keys.begin(), keys.end());
    args.insert(args.begin(), DCRUN_PATH);
    return run_command(args);
}

fs::path temp_file(const std::string& name, const std::string& text) {
    auto p = fs::temp_directory_path() / (name + "_" + std::to_string(::getpid()));
    std::ofstream(p) << text;
    return p;
}

/// A YAML cluster file for the ssh manager with the test bed's key and known hosts, and
/// `hosts` (YAML list items) under ssh.hosts.
fs::path ssh_cluster_file(const std::string& name, const std::string& hosts) {
    auto path = fs::temp_directory_path() / (name + "_" + std::to_string(::getpid()) + ".yaml");
    std::ofstream(path) << "manager: ssh\nssh:\n  identity: " << (bed / "id_ed25519").string()
                        << "\n  known_hosts: " << (bed / "known_hosts").string() << "\n  hosts:\n"
                        << hosts;
    return path;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

} // namespace

TEST(ssh, a_machine_file_starts_workers_over_ssh_and_their_output_comes_back) {
    auto file = temp_file("machines", "# two workers on host A\n2*" + host_a() + "\n");
    auto r = dcrun({"--machine-file", file.string(), TEST_APP_PATH, "where"});
    ASSERT_EQ(r.code, 0) << r.err << r.out;
    EXPECT_TRUE(contains(r.out, "nprocs 3")) << r.out;
    EXPECT_EQ(lines_with(r.out, " at 127.0.0.1 ").size(), 2u) << r.out;
    auto print = dcrun({"--machine-file", file.string(), TEST_APP_PATH, "print"});
    ASSERT_EQ(print.code, 0) << print.err;
    EXPECT_TRUE(contains(print.out, "      From worker 2:\tline from 2")) << print.out;
    EXPECT_TRUE(contains(print.out, "      From worker 3:\tline from 3")) << print.out;
    EXPECT_TRUE(contains(print.out, "      From worker 2:\terror line from 2")) << print.out;
    fs::remove(file);
}

// The timeline of an ssh run names its launch steps (the connection to the host, its
// authentication, each worker's start) and has each worker's track.
TEST(ssh, a_traced_run_shows_the_ssh_connection_and_each_worker) {
    const auto trace = fs::temp_directory_path() / ("ssh_trace_" + std::to_string(::getpid()));
    auto file = temp_file("machines", "2*" + host_a() + "\n");
    auto r =
        dcrun({"--machine-file", file.string(), "--trace", trace.string(), TEST_APP_PATH, "where"});
    fs::remove(file);
    std::ifstream in(trace);
    const std::string text((std::istreambuf_iterator<char>(in)), {});
    fs::remove(trace);
    ASSERT_EQ(r.code, 0) << r.err << r.out;
    EXPECT_TRUE(contains(text, "\"name\":\"ssh manager: connecting to ")) << text;
    EXPECT_TRUE(contains(text, "127.0.0.1")) << text;
    EXPECT_TRUE(contains(text, " authenticated, ")) << text;
    for (const char* worker : {"worker 2", "worker 3"}) {
        EXPECT_TRUE(contains(text, std::string("\"name\":\"") + worker + " connected\""));
        EXPECT_TRUE(contains(text, std::string("{\"name\":\"") + worker + " on ")) << worker;
    }
    EXPECT_TRUE(contains(text, "\"lost_tails\":[]")) << text.substr(0, 400);
}

TEST(ssh, three_hosts_from_a_cluster_file_with_per_host_dir_and_calls_between_workers) {
    auto config = ssh_cluster_file("cluster", "    - host: 127.0.0.1\n"
                                              "      user: root\n"
                                              "      port: " +
                                                  port_a() +
                                                  "\n"
                                                  "      dir: /tmp\n"
                                                  "    - host: 10.200.0.2\n"
                                                  "      user: root\n"
                                                  "      count: 2\n"
                                                  "    - root@10.200.0.3\n");
    auto r = run_command({DCRUN_PATH, "--config", config.string(), TEST_APP_PATH, "where"});
    ASSERT_EQ(r.code, 0) << r.err << r.out;
    EXPECT_TRUE(contains(r.out, "nprocs 5")) << r.out;
    EXPECT_TRUE(contains(r.out, "worker 2 at 127.0.0.1 cwd=/tmp")) << r.out;
    const auto here = fs::current_path().string();
    EXPECT_TRUE(contains(r.out, "worker 3 at 10.200.0.2 cwd=" + here)) << r.out;
    EXPECT_TRUE(contains(r.out, "worker 4 at 10.200.0.2 cwd=" + here)) << r.out;
    EXPECT_TRUE(contains(r.out, "worker 5 at 10.200.0.3 cwd=" + here)) << r.out;
    // Worker-to-worker links cross the hosts: each worker reached the next one.
    EXPECT_TRUE(contains(r.out, "worker 2 reached worker 3")) << r.out;
    EXPECT_TRUE(contains(r.out, "worker 3 reached worker 4")) << r.out;
    EXPECT_TRUE(contains(r.out, "worker 4 reached worker 5")) << r.out;
    EXPECT_TRUE(contains(r.out, "worker 5 reached worker 2")) << r.out;
    fs::remove(config);
}

TEST(ssh, a_worker_that_does_not_connect_in_time_is_named_with_its_last_output) {
    auto r = dcrun({"--hosts", "root@" + host_b, "--timeout", "2", "--log-level", "debug",
                    "--exename", "/bin/sh", "--exeflags", "-c 'echo still booting; exec sleep 30'",
                    TEST_APP_PATH, "report"});
    EXPECT_EQ(r.code, 3) << r.err;
    EXPECT_TRUE(
        contains(r.err, "ssh manager: worker 2 on 10.200.0.2 (ssh root@10.200.0.2:22, pid "))
        << r.err;
    EXPECT_TRUE(contains(r.err, ") did not connect within 2 s; last output:\n    still booting"))
        << r.err;
    // --log-level debug shows each launch step.
    EXPECT_TRUE(contains(r.err, "ssh manager: connecting to root@10.200.0.2:22")) << r.err;
    EXPECT_TRUE(contains(r.err, "ssh manager: root@10.200.0.2:22 authenticated, 1 worker(s)"))
        << r.err;
    EXPECT_TRUE(contains(r.err, "ssh manager: worker 2 on root@10.200.0.2:22: echo dcrun-pid"))
        << r.err;
    // The program (not a dc worker, so deaf to its closed input) was killed, not left behind.
    EXPECT_TRUE(run_command({"/usr/bin/pgrep", "-f", "exec sleep 30|^sleep 30$"}).out.empty());
}

TEST(ssh, a_hosts_exename_is_the_program_its_workers_run) {
    // Host B runs another build of the program: the handshake names it, so exename was used.
    auto config = ssh_cluster_file("exename", "    - host: 10.200.0.2\n"
                                              "      user: root\n"
                                              "      exename: " OTHER_BUILD_PATH "\n");
    auto r = run_command({DCRUN_PATH, "--config", config.string(), TEST_APP_PATH, "report"});
    EXPECT_EQ(r.code, 3) << r.err;
    EXPECT_TRUE(contains(r.err, "ssh manager: worker 2 on 10.200.0.2")) << r.err;
    EXPECT_TRUE(contains(r.err, "runs a different build of the program")) << r.err;
    fs::remove(config);
}

TEST(ssh, hosts_flag_and_auto_count_use_the_hosts_cpus) {
    auto r = dcrun({"--hosts", "root@" + host_b + ":auto", TEST_APP_PATH, "where"});
    ASSERT_EQ(r.code, 0) << r.err << r.out;
    const auto cpus = std::thread::hardware_concurrency();
    EXPECT_TRUE(contains(r.out, "nprocs " + std::to_string(cpus + 1))) << r.out;
    EXPECT_EQ(lines_with(r.out, " at 10.200.0.2 ").size(), cpus) << r.out;
}

TEST(ssh, more_workers_than_one_connection_carries_open_more_connections) {
    auto file = temp_file("machines", "12*" + host_a() + "\n");
    auto r = dcrun({"--machine-file", file.string(), TEST_APP_PATH, "report"});
    ASSERT_EQ(r.code, 0) << r.err << r.out;
    EXPECT_TRUE(contains(r.out, "nprocs 13")) << r.out;
    fs::remove(file);
}

TEST(ssh, a_tunnel_reaches_a_master_that_listens_on_loopback_only) {
    auto r = dcrun({"--hosts", "root@" + host_b + ":2", "--bind-to", "127.0.0.1", "--ssh-tunnel",
                    "--topology", "master_worker", TEST_APP_PATH, "report"});
    ASSERT_EQ(r.code, 0) << r.err << r.out;
    EXPECT_TRUE(contains(r.out, "nprocs 3")) << r.out;
    EXPECT_EQ(lines_with(r.out, "cwd=").size(), 2u) << r.out;
}

TEST(ssh, a_worker_that_cannot_reach_the_master_is_named_with_its_host_and_a_hint) {
    auto r = dcrun({"--hosts", "root@" + host_b, "--bind-to", "127.0.0.1", "--timeout", "20",
                    TEST_APP_PATH, "report"});
    EXPECT_EQ(r.code, 3) << r.err;
    EXPECT_TRUE(contains(r.err, "ssh manager: worker 2 on 10.200.0.2")) << r.err;
    EXPECT_TRUE(contains(r.err, "cannot reach the master")) << r.err;
    EXPECT_TRUE(contains(r.err, "--ssh-tunnel")) << r.err;
    EXPECT_FALSE(contains(r.out, "nprocs")) << "the program went on: " << r.out;
}

TEST(ssh, host_keys_are_checked_strictly_unless_told_otherwise) {
    auto empty = temp_file("known_hosts", "");
    auto machines = temp_file("machines", host_a() + "\n");
    auto base = std::vector<std::string>{DCRUN_PATH,
                                         "--machine-file",
                                         machines.string(),
                                         "--ssh-identity",
                                         (bed / "id_ed25519").string(),
                                         "--ssh-known-hosts",
                                         empty.string()};
    auto strict = base;
    strict.insert(strict.end(), {TEST_APP_PATH, "report"});
    auto r = run_command(strict);
    EXPECT_EQ(r.code, 3) << r.err;
    EXPECT_TRUE(contains(r.err, "its host key is not in " + empty.string())) << r.err;
    EXPECT_TRUE(contains(r.err, "ssh-keyscan -p " + port_a() + " 127.0.0.1")) << r.err;
    EXPECT_FALSE(contains(r.out, "nprocs")) << r.out;

    auto accept = base;
    accept.insert(accept.end(), {"--ssh-host-key-check", "accept-new", TEST_APP_PATH, "report"});
    r = run_command(accept);
    ASSERT_EQ(r.code, 0) << r.err;
    std::stringstream recorded;
    recorded << std::ifstream(empty).rdbuf();
    EXPECT_TRUE(contains(recorded.str(), "[127.0.0.1]:" + port_a())) << recorded.str();
    r = run_command(strict); // now known
    EXPECT_EQ(r.code, 0) << r.err;

    // A different key for the same host: refused even with accept-new.
    auto other = fs::temp_directory_path() / ("other_key_" + std::to_string(::getpid()));
    ASSERT_EQ(
        run_command({"/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", other.string()})
            .code,
        0);
    std::ifstream pub(other.string() + ".pub");
    std::string type, key;
    pub >> type >> key;
    std::ofstream(empty) << "[127.0.0.1]:" << port_a() << " " << type << " " << key << "\n";
    r = run_command(accept);
    EXPECT_EQ(r.code, 3);
    EXPECT_TRUE(contains(r.err, "THE HOST KEY HAS CHANGED")) << r.err;
    for (const auto& p : {empty, machines, other, fs::path(other.string() + ".pub")})
        fs::remove(p);
}

TEST(ssh, a_wrong_host_or_key_gets_a_clear_error_and_starts_nothing) {
    auto nobody = dcrun({"--hosts", "root@127.0.0.1", TEST_APP_PATH, "report"}); // port 22
    EXPECT_EQ(nobody.code, 3);
    EXPECT_TRUE(contains(nobody.err, "cannot connect to root@127.0.0.1:22")) << nobody.err;
    EXPECT_TRUE(contains(nobody.err, "check the host name and port")) << nobody.err;

    auto machines = temp_file("machines", host_a() + "\n");
    auto missing = run_command({DCRUN_PATH, "--machine-file", machines.string(), "--ssh-identity",
                                "/nonexistent/key", "--ssh-known-hosts",
                                (bed / "known_hosts").string(), TEST_APP_PATH, "report"});
    EXPECT_EQ(missing.code, 3);
    EXPECT_TRUE(contains(missing.err, "cannot read the private key /nonexistent/key"))
        << missing.err;

    auto stranger = fs::temp_directory_path() / ("stranger_key_" + std::to_string(::getpid()));
    ASSERT_EQ(run_command(
                  {"/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", stranger.string()})
                  .code,
              0);
    auto refused = run_command({DCRUN_PATH, "--machine-file", machines.string(), "--ssh-identity",
                                stranger.string(), "--ssh-known-hosts",
                                (bed / "known_hosts").string(), TEST_APP_PATH, "report"});
    EXPECT_EQ(refused.code, 3);
    EXPECT_TRUE(
        contains(refused.err, "key authentication with " + stranger.string() + " was refused"))
        << refused.err;
    EXPECT_FALSE(contains(refused.out, "nprocs")) << refused.out;
    for (const auto& p : {machines, stranger, fs::path(stranger.string() + ".pub")})
        fs::remove(p);
}

TEST(ssh, addprocs_with_an_ssh_manager_from_code) {
    auto r = run_command({TEST_APP_PATH, "addprocs_ssh", "127.0.0.1", port_a(),
                          (bed / "id_ed25519").string(), (bed / "known_hosts").string()});
    ASSERT_EQ(r.code, 0) << r.err << r.out;
    // libssh comes with the ssh manager's module, loaded when the first manager is made.
    EXPECT_TRUE(contains(r.out, "before: process 1 maps none")) << r.out;
    EXPECT_TRUE(contains(r.out, "after: process 1 maps libcrypto.so,libdc_ssh.so,")) << r.out;
    EXPECT_TRUE(contains(r.out, "added 2 nprocs 3")) << r.out;
    EXPECT_EQ(lines_with(r.out, " at 127.0.0.1 ").size(), 2u) << r.out;
    EXPECT_TRUE(contains(r.out, "after rmprocs nprocs 1")) << r.out;
}

TEST(ssh, only_the_master_loads_libssh_and_its_workers_do_not) {
    auto r = dcrun({"--hosts", "root@" + host_b + ":2", TEST_APP_PATH, "libraries"});
    ASSERT_EQ(r.code, 0) << r.err << r.out;
    EXPECT_TRUE(contains(r.out, "process 1 maps libcrypto.so,libdc_ssh.so,")) << r.out;
    EXPECT_TRUE(contains(r.out, "libssh.so")) << r.out;
    EXPECT_EQ(lines_with(r.out, "maps none").size(), 2u) << r.out;
}

TEST(ssh, a_missing_ssh_module_is_named_with_where_it_was_looked_for) {
    const auto empty = fs::temp_directory_path() / ("no_modules_" + std::to_string(::getpid()));
    fs::create_directories(empty);
    auto args = key_flags();
    args.insert(args.begin(), DCRUN_PATH);
    args.insert(args.end(), {"--hosts", host_a(), TEST_APP_PATH, "report"});
    auto r = run_command(args, {{"DC_MODULE_DIR", empty.string()}});
    EXPECT_EQ(r.code, 3) << r.err;
    EXPECT_TRUE(contains(r.err, "the ssh manager's module libdc_ssh.so was not found:\n  " +
                                    (empty / "libdc_ssh.so").string() + ": not there"))
        << r.err;
    EXPECT_TRUE(contains(r.err, "set DC_MODULE_DIR")) << r.err;
    EXPECT_FALSE(contains(r.out, "nprocs")) << r.out;
    fs::remove(empty);
}

namespace {
class ssh_stop : public ::testing::TestWithParam<std::string> {};
} // namespace

// Workers on all three hosts end with the run: SIGKILL of the master, SIGINT or SIGTERM to dcrun.
TEST_P(ssh_stop, no_worker_outlives_the_run) {
    const auto out =
        fs::temp_directory_path() / ("ssh_stop_" + GetParam() + "_" + std::to_string(::getpid()));
    auto machines = temp_file("machines", host_a() + "\n2*root@" + host_b + "\nroot@10.200.0.3\n");
    auto args = key_flags();
    args.insert(args.end(), {"--machine-file", machines.string(), TEST_APP_PATH, "pids"});
    auto c = start_cluster(args, out, 4);
    ASSERT_GT(c.master, 0);
    ASSERT_EQ(c.workers.size(), 4u); // one pid namespace: the namespace hosts' pids are ours
    EXPECT_TRUE(stop_and_all_gone(c, GetParam())) << "a process outlived the run";
    c.dcrun.wait();
    fs::remove(out);
    fs::remove(machines);
}

INSTANTIATE_TEST_SUITE_P(signals, ssh_stop, ::testing::Values("kill_master", "sigint", "sigterm"));
