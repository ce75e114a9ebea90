// A host that vanishes (its network link set down: no FIN, no RST) while a call to its worker is
// pending, on the ssh test bed: the master declares the worker dead after the heartbeat limit
// and goes on with the others, and the worker, cut off from the master, exits by itself.

#include "process_helpers.hpp"

#include <gtest/gtest.h>

#include <boost/process.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <unistd.h>

namespace fs = std::filesystem;
namespace bp = boost::process;

namespace {

const fs::path bed = SSH_TESTBED_DIR;

void set_host_link(const std::string& state) {
    run_command(
        {"/usr/sbin/ip", "netns", "exec", "dcrun-h1", "ip", "link", "set", "veth-dch1-ns", state});
}

/// Host A (loopback) and host B (namespace dcrun-h1) of the ssh bed, and host C (dcrun-h2) when
/// `three`, with `per_host` workers each, in a cluster file with a heartbeat of 3 s.
fs::path cluster_file(const std::string& tag, int per_host, bool three) {
    const auto path = fs::temp_directory_path() / ("vanish_" + tag + ".yaml");
    std::ofstream f(path);
    f << "manager: ssh\nheartbeat: 3\nssh:\n  identity: " << (bed / "id_ed25519").string()
      << "\n  known_hosts: " << (bed / "known_hosts").string() << "\n  hosts:\n"
      << "    - host: 127.0.0.1\n      user: root\n      count: " << per_host
      << "\n      port: " << std::ifstream(bed / "port").rdbuf() << "\n"
      << "    - host: 10.200.0.2\n      user: root\n      count: " << per_host << "\n";
    if (three) f << "    - host: 10.200.0.3\n      user: root\n      count: " << per_host << "\n";
    return path;
}

std::string contents(const fs::path& p) {
    std::ifstream text(p);
    return {std::istreambuf_iterator<char>(text), {}};
}

/// test_app processes running in the namespace of host B.
int test_apps_on_host_b() {
    int n = 0;
    const auto pids = run_command({"/usr/sbin/ip", "netns", "pids", "dcrun-h1"}).out;
    std::istringstream lines(pids);
    for (std::string pid; lines >> pid;) {
        std::ifstream cmdline("/proc/" + pid + "/cmdline");
        std::string program;
        if (std::getline(cmdline, program, '\0') && program == TEST_APP_PATH) ++n;
    }
    return n;
}

} // namespace

TEST(vanishing_host, a_pending_call_fails_after_the_heartbeat_and_the_cut_off_worker_exits) {
    const auto tag = std::to_string(::getpid());
    const auto config = cluster_file(tag, 1, false);
    const auto out = fs::temp_directory_path() / ("vanish_" + tag + ".out");
    bp::child dcrun(bp::exe = DCRUN_PATH,
                    bp::args = {"--config", config.string(), TEST_APP_PATH, "vanish"},
                    bp::std_out > out.string(), bp::std_err > (out.string() + ".err"));
    ASSERT_TRUE(wait_for_text(out, "calling 3")) << "the call never started";
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    set_host_link("down");
    const bool ended = dcrun.wait_for(std::chrono::seconds(60));
    set_host_link("up");
    if (!ended) dcrun.terminate();
    const std::string output = contents(out);
    ASSERT_TRUE(ended) << "dcrun did not end after the host vanished: " << output;
    EXPECT_EQ(dcrun.exit_code(), 0) << output;
    EXPECT_NE(output.find("lost: process 3 exited:"), std::string::npos) << output;
    EXPECT_NE(output.find("no heartbeat from worker 3"), std::string::npos) << output;
    EXPECT_NE(output.find("others answer 7"), std::string::npos) << output;
    EXPECT_NE(output.find("call ended after "), std::string::npos) << output;
    // The worker on host B lost the master the same way: it exits (no orphan on a partition).
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (test_apps_on_host_b() > 0 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    EXPECT_EQ(test_apps_on_host_b(), 0) << "a worker outlived its master on the cut-off host";
    fs::remove(config);
    fs::remove(out);
    fs::remove(out.string() + ".err");
}

TEST(vanishing_host, a_pmap_with_retries_finishes_with_every_result_when_a_host_goes) {
    const auto tag = std::to_string(::getpid()) + "_pmap";
    const auto config = cluster_file(tag, 2, true);
    const auto out = fs::temp_directory_path() / ("vanish_" + tag + ".out");
    bp::child dcrun(bp::exe = DCRUN_PATH,
                    bp::args = {"--config", config.string(), TEST_APP_PATH, "vanish_pmap"},
                    bp::std_out > out.string(), bp::std_err > (out.string() + ".err"));
    ASSERT_TRUE(wait_for_text(out, "pmap started over 6 workers")) << contents(out);
    std::this_thread::sleep_for(std::chrono::milliseconds(500)); // mid-map
    set_host_link("down");
    const bool ended = dcrun.wait_for(std::chrono::seconds(90));
    set_host_link("up");
    if (!ended) dcrun.terminate();
    const std::string output = contents(out);
    ASSERT_TRUE(ended) << "the pmap did not finish after a host vanished: " << output;
    EXPECT_EQ(dcrun.exit_code(), 0) << output << contents(out.string() + ".err");
    // 2 * (1 + ... + 400), with host B's two workers gone.
    EXPECT_NE(output.find("pmap done 400 sum 160400 workers 4 "), std::string::npos) << output;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (test_apps_on_host_b() > 0 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    EXPECT_EQ(test_apps_on_host_b(), 0);
    fs::remove(config);
    fs::remove(out);
    fs::remove(out.string() + ".err");
}
